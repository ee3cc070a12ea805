package dev.livesync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkspaceTest {
  final List<String> closed = new ArrayList<>();

  AutoCloseable named(String name) {
    return () -> closed.add(name);
  }

  AutoCloseable failing(String name) {
    return () -> {
      closed.add(name);
      throw new IllegalStateException(name + " failed to close");
    };
  }

  @Test
  void closesTheLastRegisteredFirstThenDeletesTheDir() throws Exception {
    var work = new Workspace("workspace-test");
    Path file = work.mkdirs("a/b").resolve("f");
    Files.writeString(file, "x");
    work.closing(named("daemon"));
    work.closing(named("livesync"));
    work.afterEach(null);
    assertThat(closed).containsExactly("livesync", "daemon");
    assertThat(work.dir()).doesNotExist();
  }

  @Test
  void aCloseThatThrowsDoesNotKeepTheOthersOpen() throws Exception {
    var work = new Workspace("workspace-test");
    work.closing(named("first"));
    work.closing(failing("second"));
    work.closing(failing("third"));
    assertThatThrownBy(() -> work.afterEach(null)).hasMessage("third failed to close")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second failed to close"));
    assertThat(closed).containsExactly("third", "second", "first");
    assertThat(work.dir()).doesNotExist();
  }

  @Test
  void eachIsClosedOnce() throws Exception {
    var work = new Workspace("workspace-test");
    work.closing(named("once"));
    work.afterEach(null);
    work.afterEach(null);
    assertThat(closed).containsExactly("once");
  }
}
