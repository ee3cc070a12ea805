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
    var c = slots.seat();
    assertThat(a.take(1)).isTrue();
    assertThat(b.take(2)).isTrue();
    assertThat(c.take(3)).as("both slots taken").isFalse();
    assertThat(c.freed()).isFalse();
    assertThat(slots.inUse()).isEqualTo(2);
    a.release();
    assertThat(woken).hasValue(1);
    assertThat(c.freed()).isTrue();
    assertThat(c.take(4)).isTrue();
    assertThat(c.freed()).as("served: nothing to look at again").isFalse();
    assertThat(c.servedNanos()).isEqualTo(4);
    assertThat(b.servedNanos()).isEqualTo(2);
    slots.unregister(wake);
    b.release();
    c.release();
    assertThat(woken).as("unregistered").hasValue(1);
    assertThat(slots.inUse()).isZero();
    assertThatThrownBy(slots::release).isInstanceOf(IllegalStateException.class);
  }

  /** A target whose host stopped answering keeps its runs until rsync's timeout: it must not hold every slot. */
  @Test
  void aTargetAloneMayHoldEverySlotBesideOthersHalf() {
    var slots = new TransferSlots(4);
    var a = slots.seat();
    for (int i = 0; i < 4; i++) assertThat(a.take(i)).isTrue();
    for (int i = 0; i < 4; i++) a.release();
    var b = slots.seat();
    assertThat(slots.share()).isEqualTo(2);
    assertThat(a.take(10)).isTrue();
    assertThat(a.take(11)).isTrue();
    assertThat(a.take(12)).as("its half is taken, two slots are free").isFalse();
    assertThat(b.take(13)).isTrue();
    assertThat(b.take(14)).isTrue();
    b.leave();
    b.leave(); // once only
    assertThat(slots.share()).isEqualTo(4);
    assertThat(a.take(15)).as("b's transfers still run").isFalse();
    b.release();
    b.release();
    assertThat(a.freed()).isTrue();
    assertThat(a.take(16)).isTrue();
    assertThat(a.take(17)).isTrue();
    assertThat(slots.inUse()).isEqualTo(4);
    assertThat(new TransferSlots(1).share()).isEqualTo(1);
  }

  /** Ten syncs to one host: whichever loop woke first took the freed slot, and two syncs waited 20 s and more. */
  @Test
  void freedSlotsGoToTheTargetsRefusedFirstWhicheverAsksFirst() {
    var slots = new TransferSlots(1);
    var a = slots.seat();
    var b = slots.seat();
    var c = slots.seat();
    assertThat(a.take(1)).isTrue();
    assertThat(b.take(2)).isFalse();
    assertThat(c.take(3)).isFalse();
    a.release();
    assertThat(c.take(4)).as("b was refused first").isFalse();
    assertThat(a.take(5)).as("and a too waits its turn").isFalse();
    assertThat(b.take(6)).isTrue();
    b.release();
    assertThat(a.take(7)).as("c, then a").isFalse();
    assertThat(c.take(8)).isTrue();
    c.release();
    c.stopWaiting();
    assertThat(a.take(9)).isTrue();
    a.release();
    b.take(10); // b is in no line: it takes it
    b.release();
    assertThat(b.take(11)).isTrue();
    assertThat(c.take(12)).isFalse();
    c.leave(); // gone: it holds no place
    b.release();
    assertThat(a.take(13)).isTrue();
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
