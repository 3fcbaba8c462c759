# warroom on Nomad: two replicas of the container (deploy/Containerfile) on one PostgreSQL. The
# replicas elect a leader among themselves through the database, so any number may run behind a
# load balancer without sticky sessions.
#
# Secrets come from the Nomad variable nomad/jobs/warroom, which this job's tasks may read
# without any policy (their workload identity grants it):
#   nomad var put nomad/jobs/warroom DATABASE_URL=postgres://... WARROOM_SESSION_SECRET=... \
#     WARROOM_RABBITMQ_PASSWORD=... WARROOM_NOMAD_TOKEN=...
# The configuration file is read by the CLI when the job is submitted, from the repository root:
#   nomad job run -var image=registry.example/warroom:0.1.0 deploy/warroom.nomad.hcl

variable "image" {
  type        = string
  description = "The image built from deploy/Containerfile."
  default     = "warroom:0.1.0"
}

variable "config_file" {
  type        = string
  description = "warroom.yaml on the machine that submits the job (a path relative to the working directory)."
  default     = "deploy/warroom.yaml"
}

variable "datacenters" {
  type    = list(string)
  default = ["dc1"]
}

job "warroom" {
  type        = "service"
  datacenters = var.datacenters

  # One replica at a time, the next only once the new one has passed its health check for 15 s;
  # a deployment that never gets healthy goes back to the last good version.
  update {
    max_parallel      = 1
    health_check      = "checks"
    min_healthy_time  = "15s"
    healthy_deadline  = "3m"
    progress_deadline = "10m"
    auto_revert       = true
  }

  group "dashboard" {
    count = 2

    network {
      port "http" {
        to = 3000
      }
    }

    service {
      name     = "warroom"
      provider = "nomad"
      port     = "http"

      check {
        name     = "warroom-health"
        type     = "http"
        path     = "/api/health"
        interval = "10s"
        timeout  = "2s"
      }
    }

    task "warroom" {
      driver = "docker"

      config {
        image = var.image
        ports = ["http"]
      }

      # The task's own directory is /local inside the container.
      env {
        WARROOM_CONFIG = "${NOMAD_TASK_DIR}/warroom.yaml"
      }

      # Secrets as environment variables (toJSON keeps quotes, # and newlines intact). A changed
      # variable restarts the tasks, each after a random delay of up to 5 s (splay).
      template {
        destination = "secrets/warroom.env"
        env         = true
        change_mode = "restart"
        data        = <<EOT
{{ with nomadVar "nomad/jobs/warroom" -}}
DATABASE_URL={{ .DATABASE_URL | toJSON }}
WARROOM_SESSION_SECRET={{ .WARROOM_SESSION_SECRET | toJSON }}
WARROOM_RABBITMQ_PASSWORD={{ .WARROOM_RABBITMQ_PASSWORD | toJSON }}
WARROOM_NOMAD_TOKEN={{ .WARROOM_NOMAD_TOKEN | toJSON }}
{{- end }}
EOT
      }

      # The configuration, read when the job is submitted; it holds no secret, only ${VAR} names.
      template {
        destination = "local/warroom.yaml"
        change_mode = "restart"
        data        = file(var.config_file)
      }

      # A deploy or a drain sends SIGTERM, then SIGKILL after this long.
      kill_timeout = "20s"

      resources {
        cpu    = 500
        memory = 512
      }
    }
  }
}
