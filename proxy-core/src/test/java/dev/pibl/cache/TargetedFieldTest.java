package dev.pibl.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Targeted fields (RFC 9213) are Structured Fields Dictionaries: valid ones map to directives, invalid ones to null. */
class TargetedFieldTest {

    private static CacheControl parse(String... lines) {
        return TargetedField.parse(List.of(lines));
    }

    @Test
    void directivesAsDictionaryMembers() {
        CacheControl c = parse("max-age=600, stale-while-revalidate=30, must-revalidate");
        assertThat(c.maxAge()).isEqualTo(600);
        assertThat(c.staleWhileRevalidate()).isEqualTo(30);
        assertThat(c.mustRevalidate()).isTrue();
    }

    @Test
    void linesAreCombinedAndTheLastDuplicateWins() {
        CacheControl c = parse("max-age=10", "s-maxage=20, max-age=600");
        assertThat(c.maxAge()).isEqualTo(600);
        assertThat(c.sMaxAge()).isEqualTo(20);
    }

    @Test
    void booleansAndStrings() {
        assertThat(parse("no-store=?1").noStore()).isTrue();
        assertThat(parse("no-store=?0, max-age=5").noStore()).isFalse();
        assertThat(parse("no-cache=\"set-cookie\"").noCache()).isTrue();
        assertThat(parse("private=\"?0\"").isPrivate()).isTrue();
        assertThat(parse("max-age=\"60\"").maxAge()).isEqualTo(60);
    }

    @Test
    void parametersAndInnerListsAreSyntaxNotDirectives() {
        CacheControl c = parse("max-age=60;foo=bar, no-cache=(\"a\" \"b\");x, public;y=?1");
        assertThat(c.maxAge()).isEqualTo(60);
        assertThat(c.noCache()).isTrue();
        assertThat(c.isPublic()).isTrue();
    }

    @Test
    void valuesThatAreNotDeltaSecondsMakeTheDirectiveStale() {
        assertThat(parse("max-age=-5").maxAge()).isZero();
        assertThat(parse("max-age=1.5").maxAge()).isZero();
        assertThat(parse("max-age=abc").maxAge()).isZero();
        assertThat(parse("max-age=:AAA=:").maxAge()).isZero();
        assertThat(parse("max-age=(1 2)").maxAge()).isZero();
    }

    @Test
    void anUnregisteredMemberStillMakesTheFieldValid() {
        // RFC 9213 §3.1: "CDN-Cache-Control: none" exists only to override Cache-Control.
        assertThat(parse("none")).isEqualTo(CacheControl.NONE);
    }

    @Test
    void absentOrEmptyFieldsAreIgnored() {
        assertThat(TargetedField.parse(List.of())).isNull();
        assertThat(parse("")).isNull();
        assertThat(parse("   ")).isNull();
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "Max-Age=60",
        "max-age=60,",
        "max-age=60,,public",
        "max-age = 60",
        "max-age=60 public",
        "max-age=1234567890123456",
        "max-age=\"unterminated",
        "private=\"bad\\escape\"",
        "1max-age=60",
        "max-age=60; =x",
        "no-cache=(\"a\"",
        "max-age=?2",
        "max-age=1.2345",
        "max-age=:not base64!:",
    })
    void syntaxErrorsInvalidateTheWholeField(String value) {
        assertThat(parse(value)).isNull();
    }

    @Test
    void whitespaceAroundMembersIsAllowed() {
        assertThat(parse("  max-age=60 ,\tpublic  ").maxAge()).isEqualTo(60);
    }
}
