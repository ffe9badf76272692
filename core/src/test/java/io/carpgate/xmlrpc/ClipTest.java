package io.carpgate.xmlrpc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClipTest {
    @Test
    void shortTextsStayAsTheyAre() {
        assertThat(Clip.to(10, "abc")).isEqualTo("abc");
        assertThat(Clip.to(10, "a".repeat(42))).as("within the marker's room").hasSize(42);
    }

    @Test
    void longTextsAreCutWithTheBytesLeftOutAndCuttingTwiceChangesNothing() {
        String cut = Clip.to(10, "a".repeat(10) + "é".repeat(100));
        assertThat(cut).isEqualTo("a".repeat(10) + "…(+200 bytes)");
        assertThat(Clip.to(10, cut)).isEqualTo(cut);
        assertThat(Clip.to(Clip.SHORT, "x".repeat(4 << 20))).hasSizeLessThan(Clip.SHORT + 32).endsWith("bytes)");
    }

    @Test
    void neverHalfACharacter() {
        String cut = Clip.to(5, "abcd" + "😀".repeat(40));
        assertThat(cut).startsWith("abcd…(+");
        assertThat(cut.codePoints().noneMatch(c -> Character.isSurrogate((char) c))).isTrue();
    }
}
