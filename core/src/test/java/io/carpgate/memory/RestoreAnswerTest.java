package io.carpgate.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.carpgate.xmlrpc.BackupAnswer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whether the backup stored a restore, from its answer: OPNsense's own bytes where the fixtures have them. */
class RestoreAnswerTest {
    private static final Path FIXTURES = Path.of("core/src/test/resources/opnsense-fixtures");

    private static BackupAnswer fixture(String name) throws Exception {
        return BackupAnswer.read(Files.readAllBytes(FIXTURES.resolve(name)));
    }

    private static BackupAnswer xml(String text) {
        return BackupAnswer.read(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void trueIsStored() throws Exception {
        assertThat(RestoreAnswer.ofSingle(200, fixture("restore_config_section.response.xml")))
                .isInstanceOf(BackupOutcome.Stored.class);
    }

    @Test
    void aFailedLoginIsNotStored() throws Exception {
        assertThat(RestoreAnswer.ofSingle(200, fixture("auth_failed.response.xml")))
                .isEqualTo(new BackupOutcome.NotStored("the backup refused the login"));
    }

    @Test
    void aFaultIsNotStored() throws Exception {
        assertThat(RestoreAnswer.ofSingle(200, fixture("fault.unknown_method.response.xml")))
                .isInstanceOf(BackupOutcome.NotStored.class);
    }

    @Test
    void anythingElseIsUnknown() {
        assertThat(RestoreAnswer.ofSingle(200, xml("<methodResponse><params><param><value><boolean>0</boolean>"
                + "</value></param></params></methodResponse>"))).isInstanceOf(BackupOutcome.Unknown.class);
        assertThat(RestoreAnswer.ofSingle(200, xml("<methodResponse><params><param><value><boolean>1</boolean>")))
                .as("cut off").isInstanceOf(BackupOutcome.Unknown.class);
        assertThat(RestoreAnswer.ofSingle(200, xml("<html>502</html>"))).isInstanceOf(BackupOutcome.Unknown.class);
        assertThat(RestoreAnswer.ofSingle(500, xml("x"))).isInstanceOf(BackupOutcome.Unknown.class);
        assertThat(RestoreAnswer.ofSingle(408, xml("x"))).isInstanceOf(BackupOutcome.Unknown.class);
    }

    @Test
    void aRefusedRequestIsNotStored() {
        assertThat(RestoreAnswer.ofSingle(403, xml("forbidden"))).isInstanceOf(BackupOutcome.NotStored.class);
        assertThat(RestoreAnswer.ofSingle(404, xml("not found"))).isInstanceOf(BackupOutcome.NotStored.class);
    }

    @Test
    void anAnswerWithADocumentTypeIsNotRead() {
        String withEntity = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                + "<methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>";
        assertThat(xml(withEntity)).isInstanceOf(BackupAnswer.Unreadable.class);
    }

    private static final String STORED = "<value><array><data><value><boolean>1</boolean></value></data></array></value>";
    private static final String FAULT = "<value><struct><member><name>faultCode</name><value><int>-32601</int></value>"
            + "</member><member><name>faultString</name><value><string>no</string></value></member></struct></value>";

    private static BackupAnswer multicall(String... results) {
        return xml("<methodResponse><params><param><value><array><data>" + String.join("", results)
                + "</data></array></value></param></params></methodResponse>");
    }

    @Test
    void aMulticallIsStoredOnlyWhenEveryRestoreInItSaysSo() {
        String other = "<value><array><data><value><string>ok</string></value></data></array></value>";
        assertThat(RestoreAnswer.ofMulticall(200, multicall(other, STORED), List.of(1)))
                .isInstanceOf(BackupOutcome.Stored.class);
        assertThat(RestoreAnswer.ofMulticall(200, multicall(FAULT, other), List.of(0)))
                .isInstanceOf(BackupOutcome.NotStored.class);
        assertThat(RestoreAnswer.ofMulticall(200, multicall(STORED, FAULT), List.of(0, 1)))
                .isInstanceOf(BackupOutcome.Unknown.class);
        assertThat(RestoreAnswer.ofMulticall(200, multicall(STORED), List.of(0, 1)))
                .as("a result missing").isInstanceOf(BackupOutcome.Unknown.class);
    }
}
