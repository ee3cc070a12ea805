package dev.livesync.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TransferSlotsTest {
  @Test
  void aSeatRefusedAtTheCapLooksAgainOnlyOnceASlotIsFreed() {
    var slots = new TransferSlots(2);
    var woken = new AtomicInteger();
    Runnable wake = woken::incrementAndGet;
    slots.register(wake);
    var a = slots.seat();
    var b = slots.seat();
    assertThat(a.take(1)).isTrue();
    assertThat(a.take(2)).isTrue();
    assertThat(b.take(3)).as("both slots taken").isFalse();
    assertThat(b.freed()).isFalse();
    assertThat(slots.inUse()).isEqualTo(2);
    a.release();
    assertThat(woken).hasValue(1);
    assertThat(b.freed()).isTrue();
    assertThat(b.take(4)).isTrue();
    assertThat(b.freed()).as("served: nothing to look at again").isFalse();
    assertThat(b.servedNanos()).isEqualTo(4);
    assertThat(a.servedNanos()).isEqualTo(2);
    slots.unregister(wake);
    a.release();
    b.release();
    assertThat(woken).as("unregistered").hasValue(1);
    assertThat(slots.inUse()).isZero();
    assertThatThrownBy(a::release).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aRaisedLimitWakesTheLoopsAndALoweredOneLetsRunningTransfersFinish() {
    var slots = new TransferSlots(1);
    var woken = new AtomicInteger();
    slots.register(woken::incrementAndGet);
    var a = slots.seat();
    var b = slots.seat();
    assertThat(a.take(1)).isTrue();
    assertThat(b.take(1)).isFalse();
    slots.limit(2);
    assertThat(woken).hasValue(1);
    assertThat(b.freed()).isTrue();
    assertThat(b.take(2)).isTrue();
    slots.limit(1);
    assertThat(slots.inUse()).as("nothing stopped").isEqualTo(2);
    a.release();
    assertThat(a.take(3)).as("still one above the new cap").isFalse();
    b.release();
    assertThat(a.take(4)).isTrue();
    assertThatThrownBy(() -> slots.limit(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theDefaultIsTwiceTheCpusAndAtLeastOneTargetsDefaultWorkers() {
    assertThat(TransferSlots.defaultLimit())
        .isEqualTo(Math.max(EngineSettings.DEFAULT_WORKERS, 2 * Runtime.getRuntime().availableProcessors()));
  }
}
