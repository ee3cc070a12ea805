package dev.livesync.ops.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.testing.TempFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A process's first status answer is the slow one (everything that builds and writes the document
 * loaded and compiled then): on a busy machine it took longer than a client waits, and {@code livesync
 * status} called a healthy livesync silent. {@link StatusServer#warm()} pays it before anyone asks.
 * Here the first build is made slower than a client's wait (failure injection): after the warm-up a
 * client still gets its answer.
 */
class StatusServerWarmTest {
  private final Path dir = TempFiles.dir("status-warm");

  @AfterEach
  void cleanUp() {
    TempFiles.deleteTree(dir);
  }

  @Test
  void theFirstAnswersCostIsPaidByTheWarmUpNotByTheFirstClient() throws Exception {
    AtomicInteger built = new AtomicInteger();
    long slowFirst = StatusClient.ANSWER_WAIT.toMillis() + 1_000;
    try (var server = StatusServer.start(dir.resolve("s.sock"), () -> {
      if (built.incrementAndGet() == 1) sleep(slowFirst);
      return "{\"state\":\"running\"}";
    })) {
      assertThat(server.warm()).as("the server answered its own request").isTrue();
      assertThat(built.get()).as("documents built by the warm-up").isEqualTo(1);
      assertThat(StatusClient.fetch(server.socket()).strip()).isEqualTo("{\"state\":\"running\"}");
      assertThat(built.get()).isEqualTo(2);
    }
    assertThat(Files.exists(dir.resolve("s.sock"))).as("the socket removed at close").isFalse();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
