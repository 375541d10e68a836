import { ENTITY_TYPE_DEFINITION } from './entity-type.js';

// `npm run --silent entity-type > entity-type.json` gives the body for `bbk entity add <eid> --file entity-type.json`.
console.log(JSON.stringify(ENTITY_TYPE_DEFINITION, null, 2));
