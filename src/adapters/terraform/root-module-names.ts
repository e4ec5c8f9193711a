// Names shared by the synthesizer and the working directory, in a module of their own so that
// preparing a working directory does not load cdktf (issue 12: a re-plan costs Terraform alone).

/** The name of the module block in the generated root module. */
export const MODULE_NAME = "environment";

/** Folder of the template copy beside the root module; the module block's source is `./template`. */
export const TEMPLATE_DIR = "template";

/**
 * The root variable the standard tags come in through (an auto-loaded .tfvars.json that
 * prepareWorkDir writes for each plan): their expiry moves with every plan of an environment not
 * yet applied, while the root module stays the same and is not synthesized again for it.
 */
export const TAGS_VARIABLE = "envbot_tags";
