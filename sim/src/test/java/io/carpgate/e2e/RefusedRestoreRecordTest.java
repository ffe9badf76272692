package io.carpgate.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore the backup refused ("Authentication failed", HTTP 200) is recorded. carpgate reads that answer
 * (its memory learns nothing from it); the decision log's done line says so, not only
 * "rewritten" with the rewrite's reason (README step 6 has the admin read that as the sync having worked).
 */
@EndToEnd
class RefusedRestoreRecordTest {
    @TempDir
    Path dir;

    @Test
    void aRestoreTheBackupRefusedIsNotRecordedAsIfItWentThrough() throws Exception {
        try (Pair pair = Pair.start(dir, "", null)) {
            JsonNode answer = PythonMaster.run(pair.base(), Pair.SYNC_USER, "wrong-password", "restore").get("answer");
            assertThat(answer.toString()).contains("Authentication failed");
            pair.exchanges.await("the restore", r -> pair.exchanges.records().size() >= 1);
            String decisions = pair.awaitLog("decisions.jsonl", "\"stage\":\"done\"");
            List<JsonNode> done = Arrays.stream(decisions.split("\n")).map(RefusedRestoreRecordTest::json)
                    .filter(l -> l.get("stage").asText().equals("done")
                            && l.get("method").asText().equals("opnsense.restore_config_section")).toList();
            assertThat(done).hasSize(1);
            JsonNode line = done.get(0);
            assertThat(line.get("decision").asText() + " " + line.get("reason").asText())
                    .as("the backup refused the restore; the record must say so: " + line)
                    .contains("the backup did not store it: the backup refused the login");
        }
    }

    private static JsonNode json(String line) {
        try {
            return new ObjectMapper().readTree(line);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
