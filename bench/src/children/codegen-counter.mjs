// Preload (node --import) that counts code generation from strings: every call of the Function
// constructor, which is how ajv (and any other schema compiler) turns a schema into a validator
// at run time. Validators compiled at build time (ajv standalone) never call it. The counts
// and the first call sites are read back through globalThis.__benchCodegen().
const Original = globalThis.Function;
let count = 0;
const sites = [];
const record = () => {
  count += 1;
  if (sites.length < 5)
    sites.push(
      (new Error().stack ?? '')
        .split('\n')
        .slice(3, 6)
        .map((line) => line.trim())
        .join(' < '),
    );
};
globalThis.Function = new Proxy(Original, {
  construct(target, args, newTarget) {
    record();
    return Reflect.construct(target, args, newTarget === globalThis.Function ? target : newTarget);
  },
  apply(target, thisArg, args) {
    record();
    return Reflect.apply(target, thisArg, args);
  },
});
globalThis.__benchCodegen = () => ({ functionConstructorCalls: count, sites });
