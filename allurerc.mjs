// Allure 3 configuration used by `librelog-verify report`: one self-contained index.html that
// opens from file:// (the multi-file report only renders over HTTP), with trend history.
import { defineConfig } from "allure";

export default defineConfig({
  name: "LibreLog → LibreTime verification",
  output: process.env.LV_ALLURE_OUTPUT || "./reports/out/allure-report",
  historyPath: process.env.LV_ALLURE_HISTORY || "./reports/history/history.jsonl",
  plugins: {
    awesome: {
      options: {
        singleFile: true,
        reportName: "LibreLog → LibreTime verification",
        groupBy: ["feature", "story"],
      },
    },
  },
});
