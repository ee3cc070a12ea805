package dev.livesync.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.livesync.fs.InotifyMask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The warm-up of {@code events -mr} leaves nothing behind in the temporary directory. */
class NewDirWarmupTest {
  @Test
  void leavesNoTemporaryDirectory() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before = warmups(tmp);
    NewDirWarmup.run(InotifyMask.IN_CREATE | InotifyMask.IN_CLOSE_WRITE, p -> false);
    assertThat(warmups(tmp)).isEqualTo(before);
  }

  private static long warmups(Path tmp) throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("livesync-warmup")).count();
    }
  }
}
