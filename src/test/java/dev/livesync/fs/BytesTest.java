package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytesTest {
  @Test
  void trimSlashesDropsEveryTrailingSlashButKeepsTheRoot() {
    assertThat(Bytes.trimSlashes(Bytes.of("a/b//"))).isEqualTo(Bytes.of("a/b"));
    assertThat(Bytes.trimSlashes(Bytes.of("a/b"))).isEqualTo(Bytes.of("a/b"));
    assertThat(Bytes.trimSlashes(Bytes.of("//"))).isEqualTo(Bytes.of("/"));
    assertThat(Bytes.trimSlashes(Bytes.of("/"))).isEqualTo(Bytes.of("/"));
    assertThat(Bytes.trimSlashes(Bytes.EMPTY)).isEmpty();
  }

  @Test
  void withSlashAddsOneSlashWhereThereIsNone() {
    byte[] slashed = Bytes.of("a/b/");
    assertThat(Bytes.withSlash(Bytes.of("a/b"))).isEqualTo(Bytes.of("a/b/"));
    assertThat(Bytes.withSlash(slashed)).isSameAs(slashed);
    assertThat(Bytes.withSlash(Bytes.of("/"))).isEqualTo(Bytes.of("/"));
    assertThat(Bytes.withSlash(Bytes.EMPTY)).isEqualTo(Bytes.of("/"));
  }
}
