package dev.livesync.transport;

import static dev.livesync.testing.Trees.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.fs.Bytes;
import dev.livesync.testing.Trees;
import dev.livesync.transport.TargetFixture.Kind;
import dev.livesync.transport.TransferResult.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A source file livesync's rsync may not read (mode 000 to a service user), a directory it may not
 * list: the failure said rsync's lines only ("send_files failed to open ... Permission denied (13)"),
 * in the log, in status and in verify, with nothing about what to do; beside it a target that cannot
 * be written names itself and the fix. Real rsync run as nobody (setpriv), a real local target.
 */
class UnreadableSourceWordsTest {
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private final byte[] src = Trees.tempDir("ls-unreadable-src");

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : cleanup.reversed()) c.close();
    Trees.delete(src);
  }

  @Test
  void aSendAndACompareSayWhichSourcePathsCannotBeReadAndWhatToDo() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run rsync as nobody");
    var t = TargetFixture.start(Kind.LOCAL, null, false);
    cleanup.add(t);
    Trees.chmod(src, 0755);
    Trees.chown(t.dir, 65534, 65534);
    Trees.write(at(src, "ok"), "readable");
    Trees.write(at(src, "secret"), "unreadable to nobody");
    Trees.chmod(at(src, "ok"), 0644);
    Trees.chmod(at(src, "secret"), 0);
    Trees.write(at(src, "closed/inner"), "in a directory nobody cannot list");
    Trees.chmod(at(src, "closed"), 0700);
    var options = t.options().toBuilder()
        .rsyncCommand(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "rsync")).build();
    var transport = RsyncTransport.open(src, t.url(), options);
    cleanup.add(transport::close);

    TransferResult r = transport.send(List.of(Bytes.of("ok"), Bytes.of("secret"), Bytes.of("closed")), true);
    assertThat(r.outcome()).as(r.message()).isEqualTo(Outcome.PARTIAL);
    String source = Bytes.latin1(src);
    assertThat(r.message()).as("the words before rsync's own")
        .startsWith("2 paths of the source cannot be read by the user rsync runs as (permission denied: "
            + source + "/closed, " + source + "/secret): give that user read access to them (chmod, chown;"
            + " search access to a directory), exclude them, or run livesync as their owner; ");
    assertThat(Trees.read(at(t.dir, "ok"))).isEqualTo(Bytes.of("readable"));

    assertThatThrownBy(() -> transport.compare(false)).as("verify's words")
        .hasMessageContaining("incomplete: 1 path of the source cannot be read by the user rsync runs as (permission denied: "
            + source + "/closed): give that user read access"); // a dry run opens no file: only the directory's listing fails
  }
}
