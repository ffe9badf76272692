package io.carpgate.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs src/test/resources/e2e/master.py: Python's xmlrpc.client playing the OPNsense master. */
final class PythonMaster {
    private static final long TIMEOUT_SECONDS = 90;

    private PythonMaster() {}

    static Path fixtures() {
        return Paths.get(System.getProperty("carpgate.fixtures", "core/src/test/resources/opnsense-fixtures"));
    }

    static JsonNode run(String baseUrl, String user, String password, String scenario)
            throws IOException, InterruptedException {
        Path script;
        try {
            script = Paths.get(PythonMaster.class.getResource("/e2e/master.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        Path output = Files.createTempFile("master", ".json");
        Path errors = Files.createTempFile("master", ".err");
        try {
            Process process = new ProcessBuilder(List.of("python3", script.toString(), baseUrl, user, password,
                    scenario, fixtures().toString()))
                    .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("master.py did not finish within " + TIMEOUT_SECONDS + " s");
            }
            String out = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("master.py failed (" + process.exitValue() + "): "
                        + Files.readString(errors, StandardCharsets.UTF_8));
            }
            return new ObjectMapper().readTree(out);
        } finally {
            Files.deleteIfExists(output);
            Files.deleteIfExists(errors);
        }
    }
}
