/**
 * The client of the native-helper, the small root process that attaches disk images as block devices (ublk, or loop
 * where the kernel lacks ublk) and runs io_uring benchmarks. It speaks the framed binary protocol of
 * {@code docs/native-helper-protocol.md} over a Unix domain socket; {@link dev.sandtable.helper.HelperClient} is the
 * entry point and every operation returns a {@code CompletableFuture}.
 */
package dev.sandtable.helper;
