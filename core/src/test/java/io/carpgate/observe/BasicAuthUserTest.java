package io.carpgate.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The user name that goes into the logs: never anything of the password. */
class BasicAuthUserTest {
    private static String basic(String decoded) {
        return "Basic " + Base64.getEncoder().encodeToString(decoded.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theUserBeforeTheColonOnly() {
        assertThat(BasicAuthUser.of(basic("root:s3cret:with:colons"))).contains("root");
        assertThat(BasicAuthUser.of(basic(":s3cret"))).isEmpty();
    }

    @Test
    void aValueWithoutAColonMayBeAPasswordAloneAndIsNeverShown() {
        assertThat(BasicAuthUser.of(basic("s3cret-without-user"))).contains("(malformed)");
        assertThat(BasicAuthUser.of("Basic !!!not-base64!!!")).contains("(malformed)");
    }

    @Test
    void namesAreMadePrintableAndBounded() {
        assertThat(BasicAuthUser.of(basic("ro\not:x"))).contains("ro?ot");
        assertThat(BasicAuthUser.of(basic("u".repeat(100) + ":x"))).hasValueSatisfying(u -> assertThat(u).hasSize(67));
        assertThat(BasicAuthUser.of(null)).isEmpty();
        assertThat(BasicAuthUser.of("Bearer abc")).isEmpty();
    }
}
