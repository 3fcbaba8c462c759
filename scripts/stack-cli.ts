import { startStack, stopStack, type StackProfile } from './stack';

const [command = 'up', profileArg = 'demo'] = process.argv.slice(2);
const profile = profileArg as StackProfile;
if (profile !== 'demo' && profile !== 'test') {
  console.error(`unknown profile "${profileArg}": expected demo or test`);
  process.exit(2);
}
if (command === 'up') {
  const layout = await startStack(profile, { postgres: true });
  console.log(`stack "${profile}" up; state in ${layout.stateDir}`);
  console.log(JSON.stringify(layout.ports, null, 2));
} else if (command === 'down') {
  await stopStack(profile);
  console.log(`stack "${profile}" stopped`);
} else {
  console.error(`unknown command "${command}": expected up or down`);
  process.exit(2);
}
