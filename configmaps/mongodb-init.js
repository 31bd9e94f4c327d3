// Initiates MongoDB replica set MONGODB_REPLICA_SET with the members in MONGODB_MEMBERS (host:port,...), or,
// when it exists already, adds the members it lacks (growing 1 -> 3); it never removes one. Idempotent:
// run by the compose health check of `mongodb` and the Kubernetes Job mongodb-init
// (`mongosh --host SEED --file mongodb-init.js`). Exits non-zero until the set has a primary.
const setName = process.env.MONGODB_REPLICA_SET || "rs0";
const hosts = (process.env.MONGODB_MEMBERS || "localhost:27017").split(",").map((h) => h.trim()).filter(Boolean);

let initiated = true;
try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized") throw error;
  initiated = false;
}

if (!initiated) {
  rs.initiate({ _id: setName, members: hosts.map((host, index) => ({ _id: index, host })) });
  print(`mongodb-init: initiated ${setName} with ${hosts.join(", ")}`);
} else {
  const hello = db.hello();
  if (hello.primary) {
    const primary = hello.isWritablePrimary ? db : connect(`mongodb://${hello.primary}/admin`);
    const config = primary.adminCommand({ replSetGetConfig: 1 }).config;
    const missing = hosts.filter((host) => !config.members.some((member) => member.host === host));
    if (missing.length > 0) {
      // A reconfiguration may add one voting member at a time: add one, exit non-zero, and the retry (Job
      // back-off, compose health check) adds the next.
      config.members.push({ _id: Math.max(...config.members.map((m) => m._id)) + 1, host: missing[0] });
      config.version += 1;
      const result = primary.adminCommand({ replSetReconfig: config });
      if (result.ok !== 1) throw new Error(`replSetReconfig failed: ${tojson(result)}`);
      print(`mongodb-init: added ${missing[0]} to ${setName}`);
      if (missing.length > 1) quit(1);
    }
  }
}

if (!db.hello().primary) {
  print(`mongodb-init: ${setName} has no primary yet`);
  quit(1);
}
print(`mongodb-init: ${setName} ready, primary ${db.hello().primary}`);
