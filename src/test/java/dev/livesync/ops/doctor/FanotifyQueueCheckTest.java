package dev.livesync.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.livesync.fs.KernelLimits;
import dev.livesync.settings.Dirs;
import dev.livesync.testing.LoopFs;
import dev.livesync.testing.ProcSysLowered;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fanotify group's queue is fs.fanotify.max_queued_events long, whatever fs.inotify.max_queued_events
 * says: doctor on a source watched with fanotify (a loop-mounted ext4 of the test's own) says that
 * limit, warns when it is low, and --fix raises it; a sync watched with inotify is not told of it.
 */
class FanotifyQueueCheckTest {
  @TempDir Path tmp;

  @Test
  void aLowFanotifyQueueIsSaidAndRaisedByFix() throws Exception {
    assumeTrue(Dirs.isRoot(), "needs root: a loop mount, fanotify, and /proc/sys");
    assumeTrue(KernelLimits.fanotifyMaxQueuedEvents() > 0, "fs.fanotify.max_queued_events (Linux 5.13)");
    Path conf = tmp.resolve("sysctl.d/90-livesync.conf");
    String state = tmp.resolve("state").toString();
    try (LoopFs fs = LoopFs.ext4(tmp, 16)) {
      Path src = fs.root();
      DoctorTest.Result fixed;
      long raised;
      try (var low = ProcSysLowered.to(KernelLimits.FANOTIFY_MAX_QUEUED_EVENTS, 1000)) {
        DoctorTest.Result r = DoctorTest.doctor("--state-dir", state, src.toString());
        assertThat(r.out()).contains("OK    watcher of " + src + ": fanotify")
            .contains("WARN  fanotify max_queued_events: 1000 is below the kernel default 16384: a burst overflows the queue of each sync"
                + " watched with fanotify (" + src + ") and forces a full rescan; run 'livesync doctor --fix'"
                + " (sets fs.fanotify.max_queued_events = 65536; a running livesync takes it at its next start)\n");
        assertThat(DoctorTest.doctor("--state-dir", state, "--watcher", "inotify", src.toString()).out())
            .doesNotContain("fanotify max_queued_events");
        // --fix raises the inotify limits too: they are put back here, under the same lock
        long watches = KernelLimits.read(InotifyLimits.WATCHES);
        long queued = KernelLimits.read(InotifyLimits.QUEUED);
        long instances = KernelLimits.read(InotifyLimits.INSTANCES);
        try {
          fixed = DoctorTest.doctor("--fix", "--sysctl-file", conf.toString(), "--state-dir", state, src.toString());
          raised = KernelLimits.fanotifyMaxQueuedEvents();
        } finally {
          KernelLimits.write(InotifyLimits.WATCHES, watches);
          KernelLimits.write(InotifyLimits.QUEUED, queued);
          KernelLimits.write(InotifyLimits.INSTANCES, instances);
        }
      }
      assertThat(raised).isEqualTo(65536);
      assertThat(fixed.out()).contains("fanotify/max_queued_events 1000 -> 65536")
          .contains("OK    fanotify max_queued_events: 65536 events may wait in the queue of each sync watched with fanotify (" + src + ")")
          .doesNotContain("WARN  fanotify max_queued_events");
      assertThat(Files.readString(conf)).contains("fs.fanotify.max_queued_events = 65536\n").contains("fs.inotify.max_queued_events = ");
    }
  }
}
