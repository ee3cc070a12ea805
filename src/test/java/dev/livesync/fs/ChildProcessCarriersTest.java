package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Long-lived children (an ssh master, a remote shell) have pipes read for as long as they run. Read
 * on virtual threads, each such read held a carrier thread (a blocking read of a pipe pins it); once
 * the scheduler had retired its spare carriers after an idle minute, as many long-lived children as
 * cores left no carrier for the readers of the next rsync, whose run then never ended (seen with two
 * ssh targets on two cores: every target stuck "in flight", status ok). Here a JVM with one carrier
 * and no spare, so the outcome does not wait for the scheduler's idle time.
 */
class ChildProcessCarriersTest {
  /** Run in the child JVM: a long-lived child whose stderr is read, then a short one whose output is read to its end. */
  public static final class OneCarrier {
    public static void main(String[] args) throws Exception {
      try (ChildProcess longLived = ChildProcess.command("sleep", "60").tail(5).start()) {
        Thread.sleep(200); // its reader is blocked in read() by now
        List<String> lines = new ArrayList<>();
        try (ChildProcess shortOne = ChildProcess.command("echo", "done").stdoutLines(l -> lines.add(new String(l, StandardCharsets.UTF_8))).start()) {
          shortOne.waitFor();
          shortOne.drain();
        }
        System.out.println("read: " + lines);
        longLived.kill();
      }
    }
  }

  @Test
  void aLongLivedChildsReaderLeavesTheOtherChildrenTheirs() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process jvm = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djdk.virtualThreadScheduler.parallelism=1",
        "-Djdk.virtualThreadScheduler.maxPoolSize=1", "-cp", System.getProperty("java.class.path"), OneCarrier.class.getName())
        .redirectErrorStream(true).start();
    try {
      boolean ended = jvm.waitFor(30, TimeUnit.SECONDS);
      assertThat(ended).as("the short child's output was read while a long-lived one ran").isTrue();
      assertThat(new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("read: [done]");
    } finally {
      List<ProcessHandle> children = jvm.descendants().toList(); // before the JVM goes: its sleep would be orphaned
      jvm.destroyForcibly().waitFor();
      for (ProcessHandle h : children) h.destroyForcibly();
    }
  }
}
