import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/**
 * The layers of lib/, from the bottom: contracts and format (pure, the browser's too), analysis
 * (pure), the adapters (config, env, auth, metrics, sources, store), the services (poller,
 * history, incidents, actions: none reaches another), replicas (which of them this process runs:
 * the leader's poll loop, recorder and suggester, or the follower's mirror), and the composition
 * root on top. Every arrow points down; routes and pages use the root.
 */
const adapters = ['config', 'auth', 'metrics', 'sources', 'store', 'env.ts'];
const services = ['poller', 'history', 'incidents', 'actions'];
const lib = (names) => names.map((n) => `./lib/${n}`);
const layerZones = [
  {
    target: './lib/contracts',
    from: './lib',
    except: ['./contracts'],
    message: 'contracts import only zod and each other.',
  },
  {
    target: './lib/format',
    from: './lib',
    except: ['./contracts', './format'],
    message: 'format imports only contracts.',
  },
  {
    target: './lib/analysis',
    from: './lib',
    except: ['./contracts', './format', './analysis'],
    message: 'analysis is pure: it imports only contracts and format.',
  },
  ...lib(adapters).map((target) => ({
    target,
    from: [...lib(services), './lib/replicas', './lib/root'],
    message: 'an adapter may not import a service or the composition root (the root hands services what they need).',
  })),
  ...services.map((s) => ({
    target: `./lib/${s}`,
    from: [...lib(services.filter((o) => o !== s)), './lib/replicas', './lib/root'],
    message: 'services do not reach each other or the root: the composition root (lib/root) wires them.',
  })),
  {
    target: './lib/replicas',
    from: './lib/root',
    message: 'replicas sit below the composition root, which builds them.',
  },
  {
    target: './lib',
    from: ['./app', './components', './scripts', './demo', './e2e'],
    message: 'lib/ is below app/, components/, scripts/ and demo/.',
  },
  {
    target: './components',
    from: './lib',
    except: ['./contracts', './format'],
    message: 'components run in the browser too: they import lib/contracts and lib/format only (pages read the root).',
  },
];

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ['.next/**', '.warroom/**', 'node_modules/**', 'next-env.d.ts'] },
  {
    // Layering: demo/ (the pipeline's own programs) is the lower layer; scripts/ (provisioning, the
    // stack, the pipeline launcher, the test runner) sits above and may import demo/, never the
    // reverse. Tests sit on top of everything, so demo's test files may use scripts/testing/.
    name: 'warroom/demo-below-scripts',
    files: ['demo/**/*.ts'],
    ignores: ['demo/**/*.test.ts'],
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: './demo',
              from: './scripts',
              message: 'demo/ is the lower layer: move what both need into demo/lib/ (only tests may use scripts/).',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'warroom/layers',
    files: ['lib/**/*.ts', 'components/**/*.ts', 'components/**/*.tsx'],
    ignores: ['**/*.test.ts'],
    rules: {
      'import/no-restricted-paths': ['error', { basePath: import.meta.dirname, zones: layerZones }],
    },
  },
];

export default config;
