// Allure 3 configuration used by `librelog-verify report`: one self-contained index.html that
// opens from file:// (the multi-file report only renders over HTTP), trend history, and the
// categories the harness wrote next to the results (one definition, in harness/plugin.py).
// A plain object rather than allure's defineConfig(): this file ships inside the Python package,
// far from any node_modules, so it imports nothing.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

const results = process.env.LV_ALLURE_RESULTS || "./reports/out/allure-results";
const categoriesFile = join(results, "categories.json");

export default {
  name: "LibreLog → LibreTime verification",
  output: process.env.LV_ALLURE_OUTPUT || "./reports/out/allure-report",
  historyPath: process.env.LV_ALLURE_HISTORY || "./reports/out/allure-history.jsonl",
  categories: existsSync(categoriesFile) ? JSON.parse(readFileSync(categoriesFile, "utf-8")) : undefined,
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportName: "LibreLog → LibreTime verification",
        groupBy: ["feature", "story"],
      },
    },
  },
};
