package io.kerec.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class KnowledgeFileTest {

  private static KnowledgeFile parse(String json) {
    return KnowledgeFile.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theBundledFileKnowsTheShopsClassics() {
    KnowledgeFile k = KnowledgeFile.load(null);
    Verdict v = k.verdict(new EntityPair("t-light holder", "t-light")).orElseThrow();
    assertThat(v.complementary()).isTrue();
    assertThat(v.provider()).isEqualTo("knowledge");
    assertThat(v.model()).startsWith("complements.json@");
    assertThat(v.reason()).isEqualTo("shop knowledge: a t-light holder holds t-lights");
    assertThat(k.verdict(new EntityPair("teapot", "tea cosy")).orElseThrow().complementary()).isTrue();
    assertThat(k.verdict(new EntityPair("lunch bag", "lunch box")).orElseThrow().complementary()).isFalse();
    assertThat(KnowledgeFile.load("none").size()).isZero();
  }

  @Test
  void linesUseGroupsAndNeverLinesInTheirOrderOfPrecedence() {
    KnowledgeFile k = parse("""
        {"version": 1,
         "complements": [{"source": "teapot", "target": "tea cosy", "why": "keeps it warm"}],
         "uses": {"tea time": ["teapot", "tea cosy", "teacup", "saucer", "mug", "cup"]},
         "notComplements": [{"source": "teacup", "target": "saucer", "both": true, "why": "test"}]}
        """);
    assertThat(k.verdict(new EntityPair("teapot", "tea cosy")).orElseThrow().reason())
        .isEqualTo("shop knowledge: keeps it warm");
    Verdict group = k.verdict(new EntityPair("tea cosy", "teapot")).orElseThrow();
    assertThat(group.reason()).isEqualTo("shop knowledge: both used for tea time");
    assertThat(group.confidence()).isEqualTo(0.9);
    assertThat(k.verdict(new EntityPair("saucer", "teacup")).orElseThrow().complementary()).isFalse();
    // one kind of thing (same last word) is never linked by a group
    KnowledgeFile kinds = parse("""
        {"version": 1, "uses": {"tea": ["tea cup", "coffee cup", "saucer"]}}""");
    assertThat(kinds.verdict(new EntityPair("tea cup", "coffee cup"))).isEmpty();
    assertThat(kinds.verdict(new EntityPair("tea cup", "saucer"))).isPresent();
    assertThat(kinds.verdicts()).extracting(Verdict::source).isSorted();
  }

  @Test
  void theModelChangesWithTheContent() {
    String a = "{\"version\": 1, \"complements\": [{\"source\": \"a\", \"target\": \"b\", \"why\": \"x\"}]}";
    String b = "{\"version\": 1, \"complements\": [{\"source\": \"a\", \"target\": \"b\", \"why\": \"y\"}]}";
    assertThat(parse(a).model()).isEqualTo(parse(a).model()).isNotEqualTo(parse(b).model());
  }

  @Test
  void badFilesNameWhatIsWrong() {
    assertThatThrownBy(() -> parse("{\"version\": 2}")).hasMessageContaining("$.version");
    assertThatThrownBy(() -> parse("{\"version\": 1, \"complement\": []}")).hasMessageContaining("$.complement");
    assertThatThrownBy(() -> parse("{\"version\": 1, \"complements\": [{\"source\": \"a\", \"why\": \"x\"}]}"))
        .hasMessageContaining("$.complements[0].target");
    assertThat(parse("""
        {"version": 1, "complements": [{"source": "a", "target": "b", "why": "x"}],
         "notComplements": [{"source": "a", "target": "b", "why": "y"}]}""")
        .verdict(new EntityPair("a", "b")).orElseThrow().complementary()).as("never wins").isFalse();
    assertThatThrownBy(() -> parse("{\"version\": 1, \"uses\": {\"x\": \"a\"}}")).hasMessageContaining("$.uses.x");
    assertThatThrownBy(() -> KnowledgeFile.load("/nonexistent/complements.json")).hasMessageContaining("unreadable");
  }
}
