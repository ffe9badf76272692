package io.carpgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The master as OPNsense's PHP makes its calls: libcurl, a new connection and a full TLS handshake per call,
 * {@code POST /xmlrpc.php} with Basic credentials and {@code User-Agent: XML_RPC}, the certificate not
 * verified. Times are curl's own ({@code time_appconnect}, {@code time_total}), so starting the curl
 * process is not counted.
 */
final class CurlMaster {
    private static final int TIMEOUT_S = 120;

    /**
     * HTTP status, the TLS handshake done ({@code appconnect}), the answer's first byte ({@code starttransfer}) and
     * the whole call, in ms from curl's start; the answer's text; when curl was started and when it ended.
     */
    record Call(int status, double tlsMs, double firstByteMs, double totalMs, String answer, java.time.Instant began,
                java.time.Instant ended) {}

    private final Path body;
    private final Path answer;

    /** @param work a folder for the request body and each answer */
    CurlMaster(Path work, byte[] body) throws IOException {
        Files.createDirectories(work);
        this.body = Files.write(work.resolve("request.xml"), body);
        this.answer = work.resolve("answer.xml");
    }

    Call call(int port) throws IOException, InterruptedException {
        Files.deleteIfExists(answer);
        java.time.Instant began = java.time.Instant.now();
        Process curl = new ProcessBuilder(List.of("curl", "-sSk", "--max-time", String.valueOf(TIMEOUT_S),
                "-o", answer.toString(), "-w", "%{http_code} %{time_appconnect} %{time_starttransfer} %{time_total}",
                "-u", BenchBackup.USER + ":" + BenchBackup.PASSWORD, "-A", "XML_RPC", "-H", "Content-Type: text/xml",
                "--data-binary", "@" + body, "https://127.0.0.1:" + port + "/xmlrpc.php"))
                .redirectErrorStream(true).start();
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!curl.waitFor(TIMEOUT_S + 10, TimeUnit.SECONDS)) {
            curl.destroyForcibly();
            throw new IOException("curl did not finish");
        }
        java.time.Instant ended = java.time.Instant.now();
        String[] fields = out.split(" ");
        if (curl.exitValue() != 0 || fields.length != 4) {
            throw new IOException("curl failed (exit " + curl.exitValue() + "): " + out);
        }
        String text = Files.exists(answer) ? Files.readString(answer, StandardCharsets.UTF_8) : "";
        return new Call(Integer.parseInt(fields[0]), seconds(fields[1]), seconds(fields[2]), seconds(fields[3]), text,
                began, ended);
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("curl", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static double seconds(String s) {
        return Double.parseDouble(s.replace(',', '.').toLowerCase(Locale.ROOT)) * 1000.0;
    }
}
