// json-server 0.17 for `make bench` (tests/benchmarks/peers.py): its stock router on a
// lowdb file, stateful, at servicestub's paths. Two changes from `json-server db.json`,
// both so it answers the same bytes servicestub does (neither slows it): compact JSON
// (stock pretty-prints, `json spaces` 2) and no request logger (stock `--quiet` is off).
// Usage: node jsonserver.js DB.json PORT
const jsonServer = require('json-server');

const [db, port] = process.argv.slice(2);
const base = '/v1/tenants/:tenant/stores/:store/service-orders';
const server = jsonServer.create();
const router = jsonServer.router(db);
router.db._.id = 'serviceOrderUid';
router.render = (req, res) => {
  res.type('application/json').send(JSON.stringify(res.locals.data));
};
server.use(jsonServer.defaults({ logger: false }));
// The list is a singular resource (the page envelope), the get a plural one by id.
server.get(base, (req, res, next) => { req.url = '/page'; next(); });
server.get(`${base}/:uid`, (req, res, next) => {
  req.url = `/service-orders/${encodeURIComponent(req.params.uid)}`;
  next();
});
server.use(router);
server.listen(Number(port), '127.0.0.1');
