package dev.livesync.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FanotifyTest {
  /** The kernel hands out a new array for each event: the path caches find a directory by the handle's bytes. */
  @Test
  void aHandleIsAKeyByItsBytes() {
    byte[] bytes = {0, 0, 0, 0, 0, 0, 0, 42, 8, 0, 0, 0, 1, 0, 0, 0, 7};
    Map<Fanotify.Handle, String> paths = new HashMap<>();
    paths.put(new Fanotify.Handle(bytes), "/src/a");
    Fanotify.Handle again = new Fanotify.Handle(bytes.clone());
    assertThat(again).isEqualTo(new Fanotify.Handle(bytes)).hasSameHashCodeAs(new Fanotify.Handle(bytes));
    assertThat(paths.get(again)).isEqualTo("/src/a");
    byte[] other = bytes.clone();
    other[16] = 8;
    assertThat(paths.get(new Fanotify.Handle(other))).isNull();
    assertThat(again).hasToString("Handle000000000000002a080000000100000007");
  }
}
