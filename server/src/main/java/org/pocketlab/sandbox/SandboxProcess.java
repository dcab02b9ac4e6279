package org.pocketlab.sandbox;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;

/**
 * One running command in a sandbox, with its whole process tree.
 *
 * <p><b>Output</b> is stdout and stderr merged, in the order the process wrote them (one pipe, or the PTY).
 * Nothing is read before a handler is set, and nothing while the stream is paused: the process then blocks
 * on its own full pipe or terminal, so a flood ({@code yes}) cannot grow server memory. Items and the end
 * arrive on the Vert.x context that set the handler. After {@link #kill()} or any other end, what was
 * already read or left in the pipe is still delivered, then the end; buffered output that nobody asks for
 * within a minute after the process ended is dropped, and the stream ends.
 *
 * <p><b>Input</b> goes to stdin (or the terminal). {@code end()} closes stdin on pipes; on a PTY it only
 * stops the stream (send Ctrl-D, {@code 0x04}, to end a shell's input).
 *
 * <p>All methods are safe to call from event-loop threads and never block.
 */
public interface SandboxProcess {

  SandboxId sandbox();

  boolean isPty();

  ReadStream<Buffer> output();

  WriteStream<Buffer> input();

  /** Changes the terminal size (the foreground program gets SIGWINCH); fails for processes without a PTY. */
  Future<Void> resize(int cols, int rows);

  /** Kills the whole process tree; completes when it has ended (exit reason {@code KILLED}). */
  Future<Void> kill();

  /** Completes when the process has ended (its output may still be draining). Never fails. */
  Future<ExitStatus> exit();
}
