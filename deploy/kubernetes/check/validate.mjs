// Checks each Kubernetes object of the YAML files named on the command line against the schema of its apiVersion and
// kind (the Kubernetes OpenAPI, as the kubernetes-models package compiles it): types, required fields, enumerations.
// Prints one line per object; exits 1 when an object is invalid or of a kind it does not know.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failed = false;
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    const object = document.toJS();
    if (object === null) {
      continue;
    }
    const where = `${file}: ${object.kind} ${object.metadata?.name}`;
    try {
      const [group, version] = object.apiVersion.includes("/") ? object.apiVersion.split("/") : [null, object.apiVersion];
      const module = await import(`kubernetes-models/${group ? group + "/" : ""}${version}/${object.kind}`);
      new module[object.kind](object).validate();
      console.log(`valid   ${where}`);
    } catch (error) {
      failed = true;
      console.log(`INVALID ${where}: ${error.message}`);
    }
  }
}
process.exit(failed ? 1 : 0);
