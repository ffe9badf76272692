package io.carpgate.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestTargetTest {
    @Test
    void plainPathsPassAndEveryPathWithAnotherReadingIsRejectedWithAReason() {
        assertThat(List.of("/xmlrpc.php", "/site-a/xmlrpc.php", "/a/b-c_d~e/xmlrpc.php", "/", "/a/"))
                .allMatch(p -> RequestTarget.pathRejection(p).isEmpty());
        assertThat(RequestTarget.pathRejection("/a/../ab/xmlrpc.php")).hasValueSatisfying(r -> assertThat(r).contains("'..'"));
        assertThat(RequestTarget.pathRejection("/a/./xmlrpc.php")).hasValueSatisfying(r -> assertThat(r).contains("'.'"));
        assertThat(RequestTarget.pathRejection("/a//xmlrpc.php")).hasValueSatisfying(r -> assertThat(r).contains("empty"));
        assertThat(RequestTarget.pathRejection("/a%2Fb/xmlrpc.php")).hasValueSatisfying(r -> assertThat(r).contains("'%'"));
        assertThat(RequestTarget.pathRejection("/a;x/xmlrpc.php")).hasValueSatisfying(r -> assertThat(r).contains("';'"));
        assertThat(RequestTarget.pathRejection("/a\u0000/x")).hasValueSatisfying(r -> assertThat(r).contains("U+0000"));
        assertThat(RequestTarget.pathRejection("xmlrpc.php")).isPresent();
    }

    @Test
    void aQueryIsAcceptedExactlyWhenAUriMayHoldIt() {
        assertThat(List.of("", "a=b", "a=%41%6a", "q=a/b?c:d@e!$&'()*+,;=", "-._~"))
                .allMatch(q -> RequestTarget.queryRejection(q).isEmpty());
        for (String bad : List.of("|", "{", "}", "^", "\"", "<", ">", "\\", "`", " ", "[", "#")) {
            assertThat(RequestTarget.queryRejection("a=" + bad)).as(bad)
                    .hasValueSatisfying(r -> assertThat(r).contains("position 2", "percent-encode"));
        }
        for (String bad : List.of("%", "%4", "%zz", "a=%g1", "%4x")) {
            assertThat(RequestTarget.queryRejection(bad)).as(bad).hasValueSatisfying(r -> assertThat(r).contains("two hex"));
        }
        assertThat(RequestTarget.rejection("/a/xmlrpc.php", Optional.of("a=|"))).isPresent();
        assertThat(RequestTarget.rejection("/a/xmlrpc.php", Optional.empty())).isEmpty();
    }
}
