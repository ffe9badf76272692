package io.carpgate.carp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Odd or hostile CARP answers are read as the tree parser read them, never as a MASTER they do not say. */
class BackupApiJsonOddAnswersTest {
    private final BackupApiJson json = new BackupApiJson();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aStatusThatIsNotAPlainValueIsNoStatusAndTheLastDuplicateWins() throws Exception {
        assertThat(json.states(b("{\"rows\":[{\"vhid\":\"7\",\"status\":\"MASTER\",\"status\":{\"x\":1}}]}")))
                .singleElement().satisfies(s -> assertThat(s.status()).isEmpty());
        assertThat(json.states(b("{\"rows\":[{\"vhid\":7,\"status\":\"MASTER\",\"status\":\"BACKUP\"}]}")))
                .singleElement().satisfies(s -> assertThat(s.status()).isEqualTo("BACKUP"));
        assertThatThrownBy(() -> json.states(b("{\"rows\":[{\"vhid\":\"7\",\"status\":\"MASTER\"}],\"rows\":{}}")))
                .as("a later rows that is no array replaces the MASTER row").isInstanceOf(BackupApiJson.BadAnswer.class);
    }

    @Test
    void truncatedDeepOrOddAnswersAreBadAnswersNotRows() {
        assertThatThrownBy(() -> json.states(b("{\"rows\":[{\"vhid\":\"7\",\"status\":\"MASTER\"}")))
                .isInstanceOf(BackupApiJson.BadAnswer.class);
        String deep = "[".repeat(5000) + "]".repeat(5000);
        assertThatThrownBy(() -> json.states(b("{\"rows\":[{\"vhid\":\"7\",\"status\":\"MASTER\",\"x\":" + deep + "}]}")))
                .isInstanceOf(BackupApiJson.BadAnswer.class);
    }

    @Test
    void aVhidThatIsNotAWholeNumberPlacesNoRow() throws Exception {
        assertThat(json.states(b("{\"rows\":[{\"vhid\":7.0,\"status\":\"MASTER\"},{\"vhid\":\"7 7\",\"status\":\"MASTER\"},"
                + "{\"vhid\":true,\"status\":\"MASTER\"},{\"vhid\":null,\"status\":\"MASTER\"}]}"))).isEmpty();
    }
}
