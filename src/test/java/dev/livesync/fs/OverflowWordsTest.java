package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * How an overflow's log line says the queue that overflowed. Before, it printed the setting as read
 * at the overflow: "-1" on a kernel before 5.13, which has no fs.fanotify.max_queued_events (its
 * queue is a fixed 16384), and the value of the moment when the setting had changed since the queue
 * was made (the kernel sizes it then). The real overflow, with a lowered setting restored before
 * it, is FaultScenariosTest's; an old kernel cannot be had here, so its words are checked as words.
 */
class OverflowWordsTest {
  @Test
  void aFanotifyQueueOnAKernelBefore513IsTheFixed16384NotMinusOne() {
    String w = KernelLimits.queueWords(true, -1, -1, "5.10.0-28-amd64");
    assertThat(w).isEqualTo("a fixed 16384 events: Linux 5.10.0-28-amd64 has no fs.fanotify.max_queued_events").doesNotContain("-1 ");
  }

  @Test
  void aSettingThatCannotBeReadOnANewerKernelIsSaidSo() {
    assertThat(KernelLimits.queueWords(true, -1, -1, "6.18.0")).isEqualTo("fs.fanotify.max_queued_events could not be read");
    assertThat(KernelLimits.queueWords(false, -1, -1, "4.19.0")).isEqualTo("fs.inotify.max_queued_events could not be read");
    assertThat(KernelLimits.queueWords(true, -1, -1, "unknown")).isEqualTo("fs.fanotify.max_queued_events could not be read");
  }

  @Test
  void theValueTheQueueWasMadeWithAndTheOneTheNewWatchGets() {
    assertThat(KernelLimits.queueWords(false, 16384, 16384, "6.18.0")).isEqualTo("fs.inotify.max_queued_events = 16384");
    assertThat(KernelLimits.queueWords(true, 16, 65536, "6.18.0"))
        .isEqualTo("fs.fanotify.max_queued_events = 16 when it was made; 65536 now, which the new one gets");
    assertThat(KernelLimits.queueWords(false, 16, -1, "6.18.0")).isEqualTo("fs.inotify.max_queued_events = 16");
  }

  @Test
  void kernelVersionsCompareByMajorThenMinor() {
    assertThat(KernelLimits.before("5.12.19", 5, 13)).isTrue();
    assertThat(KernelLimits.before("4.19.0-27-amd64", 5, 13)).isTrue();
    assertThat(KernelLimits.before("5.13.0", 5, 13)).isFalse();
    assertThat(KernelLimits.before("6.1.0", 5, 13)).isFalse();
    assertThat(KernelLimits.before("", 5, 13)).isFalse();
  }
}
