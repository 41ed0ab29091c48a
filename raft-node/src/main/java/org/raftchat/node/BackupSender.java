package org.raftchat.node;

import com.google.protobuf.ByteString;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import org.raftchat.proto.v1.BackupChunk;
import org.raftchat.proto.v1.BackupSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one backup archive to an admin client as fast as the client reads it (gRPC flow control:
 * a chunk only while the call is ready), then the summary; deletes the archive's work directory
 * when done, failed or cancelled. Its methods are synchronized: gRPC's ready handler and the
 * thread that finishes the backup both call {@link #drain}.
 */
final class BackupSender {

    private static final Logger LOG = LoggerFactory.getLogger(BackupSender.class);
    /** Well under gRPC's default 4 MiB message limit on the client. */
    static final int CHUNK_BYTES = 256 * 1024;

    private final ServerCallStreamObserver<BackupChunk> call;
    private StateBackup.Archive archive;
    private InputStream in;
    private boolean finished;

    BackupSender(ServerCallStreamObserver<BackupChunk> call) {
        this.call = call;
    }

    /** The backup is written (or failed): start sending. */
    synchronized void start(StateBackup.Archive written, Throwable error) {
        if (error != null) {
            finished = true;
            if (!call.isCancelled()) {
                LOG.warn("Backup failed: {}", error.toString());
                call.onError(GrpcErrors.toStatus(error));
            }
            return;
        }
        archive = written;
        if (finished) { // cancelled while it was being written
            cleanUp();
            return;
        }
        try {
            in = Files.newInputStream(written.file());
        } catch (IOException e) {
            fail(e);
            return;
        }
        drain();
    }

    synchronized void drain() {
        if (in == null || finished) {
            return;
        }
        try {
            while (call.isReady()) {
                byte[] chunk = in.readNBytes(CHUNK_BYTES);
                if (chunk.length == 0) {
                    call.onNext(BackupChunk.newBuilder().setSummary(summary()).build());
                    call.onCompleted();
                    LOG.info("Backup sent: applied index {}, {} bytes", archive.manifest().appliedIndex(), archive.bytes());
                    finished = true;
                    cleanUp();
                    return;
                }
                call.onNext(BackupChunk.newBuilder().setData(ByteString.copyFrom(chunk)).build());
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    synchronized void cancel() {
        if (!finished) {
            LOG.info("Backup cancelled by the client");
        }
        finished = true;
        cleanUp();
    }

    private void fail(Exception e) {
        finished = true;
        cleanUp();
        LOG.warn("Backup could not be sent: {}", e.toString());
        if (!call.isCancelled()) {
            call.onError(io.grpc.Status.INTERNAL.withDescription("backup failed: " + e.getMessage()).asRuntimeException());
        }
    }

    private BackupSummary summary() {
        StateBackup.Manifest m = archive.manifest();
        return BackupSummary.newBuilder().setNodeId(m.nodeId()).setGroupId(m.groupId()).setAppliedIndex(m.appliedIndex())
                .setStateDigest(m.stateDigest()).setArchiveSha256(archive.sha256()).setArchiveBytes(archive.bytes()).build();
    }

    private void cleanUp() {
        try {
            if (in != null) {
                in.close();
            }
        } catch (IOException e) {
            // Only reading; nothing to lose.
        }
        if (archive != null) {
            try {
                StateBackup.deleteRecursively(archive.file().getParent());
            } catch (RuntimeException e) {
                LOG.warn("Cannot delete the backup work directory {}: {}", archive.file().getParent(), e.toString());
            }
        }
    }
}
