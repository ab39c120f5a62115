import * as z from 'zod';

// First import of the browser script: zod decides at schema construction whether to compile
// parsers with `new Function`, which our Content-Security-Policy (no 'unsafe-eval') forbids and
// reports. Jitless, it never tries.
z.config({ jitless: true });
