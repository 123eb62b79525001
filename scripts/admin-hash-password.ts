// Prints the ADMIN_PASSWORD_HASH value for a back-office password: `npm run admin:hash-password`.
// The password is read from the terminal without echo (or from a pipe), never from the command
// line, where it would stay in the shell's history and the process list.
import { hashAdminPassword } from '../src/admin/sign-in';

async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(prompt);
    let typed = '';
    process.stdin.setRawMode(true);
    process.stdin.setEncoding('utf8');
    const onData = (key: string) => {
      if (key === '\u0003') return reject(new Error('cancelled'));
      if (key === '\r' || key === '\n') {
        process.stdin.setRawMode(false);
        process.stdin.off('data', onData);
        process.stdin.pause();
        process.stderr.write('\n');
        return resolve(typed);
      }
      typed = key === '\u007f' ? typed.slice(0, -1) : typed + key;
    };
    process.stdin.on('data', onData);
  });
}

const password = process.stdin.isTTY ? await readHidden('Back-office password: ') : await readPiped();
if (password.length < 12) {
  console.error('Use a password of at least 12 characters.');
  process.exit(1);
}
console.log(await hashAdminPassword(password));
