import { readFile } from "node:fs/promises";
import { generatedFile, renderSchemaModule, renderValidatorModule, validatorsFile } from "../../scripts/generate-schema-types.js";

test("src/generated/schemas.ts matches schemas/*.json (run `npm run gen:types` after editing a schema)", async () => {
  expect(await readFile(generatedFile, "utf8")).toBe(await renderSchemaModule());
});

test("src/generated/validators.ts is ajv's compilation of schemas/*.json (run `npm run gen:types` after editing a schema)", async () => {
  expect(await readFile(validatorsFile, "utf8")).toBe(await renderValidatorModule());
});
