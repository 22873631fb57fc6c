// A header-only shim over the gRPC C core (libgrpc 1.51) for LibGRPCServer.
// It turns the core's op unions and slices into small typed calls; every handle it returns is owned by exactly
// one Swift object.
#ifndef CGRPC_SHIM_H
#define CGRPC_SHIM_H

#include <grpc/grpc.h>
#include <grpc/grpc_security.h>
#include <grpc/byte_buffer.h>
#include <grpc/byte_buffer_reader.h>
#include <grpc/slice.h>
#include <grpc/support/time.h>
#include <grpc/support/alloc.h>
#include <string.h>

// ---- Server -----------------------------------------------------------------

/// A server with port reuse off (a second server on a used port must fail),
/// the given message limits (the core answers RESOURCE_EXHAUSTED past the
/// receive one) and a memory quota for all its connections' buffers: the core
/// buffers a message until the whole length its prefix announces has arrived,
/// so without a quota one stream announcing 4 GiB could make it buffer that.
/// Under the quota's pressure the core cancels streams with RESOURCE_EXHAUSTED.
static inline grpc_server *rpa_server_create(int max_receive_bytes, int max_send_bytes, size_t memory_quota_bytes) {
    grpc_resource_quota *quota = grpc_resource_quota_create("runpod-autoscaler grpc server");
    grpc_resource_quota_resize(quota, memory_quota_bytes);
    grpc_arg args[4];
    args[0].type = GRPC_ARG_INTEGER;
    args[0].key = (char *)GRPC_ARG_ALLOW_REUSEPORT;
    args[0].value.integer = 0;
    args[1].type = GRPC_ARG_INTEGER;
    args[1].key = (char *)GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH;
    args[1].value.integer = max_receive_bytes;
    args[2].type = GRPC_ARG_INTEGER;
    args[2].key = (char *)GRPC_ARG_MAX_SEND_MESSAGE_LENGTH;
    args[2].value.integer = max_send_bytes;
    args[3].type = GRPC_ARG_POINTER;
    args[3].key = (char *)GRPC_ARG_RESOURCE_QUOTA;
    args[3].value.pointer.p = quota;
    args[3].value.pointer.vtable = grpc_resource_quota_arg_vtable();
    grpc_channel_args channel_args = {4, args};
    grpc_server *server = grpc_server_create(&channel_args, NULL);
    // The server's copy of the arguments holds its own reference.
    grpc_resource_quota_unref(quota);
    return server;
}

/// Binds a plaintext port; returns the bound port, 0 on failure.
static inline int rpa_server_add_insecure_port(grpc_server *server, const char *address) {
    grpc_server_credentials *creds = grpc_insecure_server_credentials_create();
    int port = grpc_server_add_http2_port(server, address, creds);
    grpc_server_credentials_release(creds);
    return port;
}

/// Binds a TLS port. With client_ca_pem set, clients must present a
/// certificate signed by it (mTLS). Returns the bound port, 0 on failure.
static inline int rpa_server_add_tls_port(grpc_server *server, const char *address,
                                          const char *cert_chain_pem, const char *private_key_pem,
                                          const char *client_ca_pem) {
    grpc_ssl_pem_key_cert_pair pair = {private_key_pem, cert_chain_pem};
    grpc_ssl_client_certificate_request_type request =
        client_ca_pem ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
                      : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
    grpc_server_credentials *creds =
        grpc_ssl_server_credentials_create_ex(client_ca_pem, &pair, 1, request, NULL);
    if (creds == NULL) return 0;
    int port = grpc_server_add_http2_port(server, address, creds);
    grpc_server_credentials_release(creds);
    return port;
}

// ---- Completion queue -------------------------------------------------------

/// One completion-queue event, flattened for Swift.
typedef struct {
    int type;     // 0 shutdown, 1 timeout, 2 op complete
    int success;
    void *tag;
} rpa_event;

/// Blocks until the next event (the poller thread's loop).
static inline rpa_event rpa_cq_next(grpc_completion_queue *cq) {
    grpc_event ev = grpc_completion_queue_next(cq, gpr_inf_future(GPR_CLOCK_REALTIME), NULL);
    rpa_event out;
    out.type = ev.type == GRPC_QUEUE_SHUTDOWN ? 0 : (ev.type == GRPC_QUEUE_TIMEOUT ? 1 : 2);
    out.success = ev.success;
    out.tag = ev.tag;
    return out;
}

// ---- Incoming calls ---------------------------------------------------------

/// Storage for one grpc_server_request_call: the call handle, its details
/// (method, deadline) and the client's initial metadata.
typedef struct {
    grpc_call *call;
    grpc_call_details details;
    grpc_metadata_array metadata;
} rpa_incoming;

static inline rpa_incoming *rpa_incoming_create(void) {
    rpa_incoming *incoming = (rpa_incoming *)gpr_zalloc(sizeof(rpa_incoming));
    grpc_call_details_init(&incoming->details);
    grpc_metadata_array_init(&incoming->metadata);
    return incoming;
}

/// Frees the storage and drops this side's reference to the call, if any.
static inline void rpa_incoming_destroy(rpa_incoming *incoming) {
    if (incoming->call) grpc_call_unref(incoming->call);
    grpc_call_details_destroy(&incoming->details);
    grpc_metadata_array_destroy(&incoming->metadata);
    gpr_free(incoming);
}

static inline grpc_call_error rpa_server_request_call(grpc_server *server, rpa_incoming *incoming,
                                                      grpc_completion_queue *cq, void *tag) {
    return grpc_server_request_call(server, &incoming->call, &incoming->details,
                                    &incoming->metadata, cq, cq, tag);
}

/// The method path ("/pkg.Service/Method"), not NUL-terminated.
static inline const char *rpa_incoming_method(const rpa_incoming *incoming, size_t *length) {
    *length = GRPC_SLICE_LENGTH(incoming->details.method);
    return (const char *)GRPC_SLICE_START_PTR(incoming->details.method);
}

/// Milliseconds left until the call's deadline; -1 when it has none.
static inline long long rpa_incoming_deadline_remaining_ms(const rpa_incoming *incoming) {
    gpr_timespec deadline = incoming->details.deadline;
    if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) == 0) return -1;
    gpr_timespec now = gpr_now(deadline.clock_type);
    gpr_timespec left = gpr_time_sub(deadline, now);
    long long ms = (long long)left.tv_sec * 1000 + left.tv_nsec / 1000000;
    return ms < 0 ? 0 : ms;
}

/// Takes the call handle out of the storage: the caller now owns its reference.
static inline grpc_call *rpa_incoming_take_call(rpa_incoming *incoming) {
    grpc_call *call = incoming->call;
    incoming->call = NULL;
    return call;
}

static inline void rpa_call_unref(grpc_call *call) {
    grpc_call_unref(call);
}

// ---- Registered methods -----------------------------------------------------

/// Registers a method path for any host. With read_payload the core reads the
/// request's first message before it reports the call (unary and
/// server-streaming), so serving one unary call takes one batch. Must be called
/// before grpc_server_start; NULL on failure.
static inline void *rpa_server_register_method(grpc_server *server, const char *method, int read_payload) {
    return grpc_server_register_method(server, method, NULL,
                                       read_payload ? GRPC_SRM_PAYLOAD_READ_INITIAL_BYTE_BUFFER
                                                    : GRPC_SRM_PAYLOAD_NONE,
                                       0);
}

/// The reply of a unary call: initial metadata, the message, the status and
/// RECV_CLOSE_ON_SERVER in one batch, and the storage its ops point into.
typedef struct {
    grpc_op ops[4];
    grpc_byte_buffer *send_buffer;
    grpc_slice status_details;
    int cancelled;
} rpa_unary_reply;

/// Storage for one posted registered-call request, reused call after call:
/// the call handle, its deadline, the client's metadata, the request message
/// the core read up front and, for a unary call, the reply batch.
typedef struct {
    grpc_call *call;
    gpr_timespec deadline;
    grpc_metadata_array metadata;
    grpc_byte_buffer *payload;
    grpc_slice payload_slice;
    int has_payload_slice;
    rpa_unary_reply reply;
} rpa_slot;

static inline rpa_slot *rpa_slot_create(void) {
    rpa_slot *slot = (rpa_slot *)gpr_zalloc(sizeof(rpa_slot));
    grpc_metadata_array_init(&slot->metadata);
    return slot;
}

/// Frees what the last call left in the slot (call reference, request, reply
/// buffers, metadata) so it can be posted again.
static inline void rpa_slot_reset(rpa_slot *slot) {
    if (slot->call) grpc_call_unref(slot->call);
    slot->call = NULL;
    if (slot->payload) grpc_byte_buffer_destroy(slot->payload);
    slot->payload = NULL;
    if (slot->has_payload_slice) grpc_slice_unref(slot->payload_slice);
    slot->has_payload_slice = 0;
    if (slot->reply.send_buffer) grpc_byte_buffer_destroy(slot->reply.send_buffer);
    slot->reply.send_buffer = NULL;
    grpc_slice_unref(slot->reply.status_details);
    slot->reply.status_details = grpc_empty_slice();
    slot->reply.cancelled = 0;
    grpc_metadata_array_destroy(&slot->metadata);
    grpc_metadata_array_init(&slot->metadata);
}

static inline void rpa_slot_destroy(rpa_slot *slot) {
    rpa_slot_reset(slot);
    grpc_metadata_array_destroy(&slot->metadata);
    gpr_free(slot);
}

/// Posts the slot for the next call of `method`. read_payload must match the
/// method's registration.
static inline grpc_call_error rpa_server_request_registered_call(grpc_server *server, void *method, rpa_slot *slot,
                                                                 int read_payload, grpc_completion_queue *cq,
                                                                 void *tag) {
    return grpc_server_request_registered_call(server, method, &slot->call, &slot->deadline, &slot->metadata,
                                               read_payload ? &slot->payload : NULL, cq, cq, tag);
}

/// Takes the call handle out of the slot: the caller now owns its reference.
static inline grpc_call *rpa_slot_take_call(rpa_slot *slot) {
    grpc_call *call = slot->call;
    slot->call = NULL;
    return call;
}

/// Milliseconds left until the call's deadline; -1 when it has none.
static inline long long rpa_slot_deadline_remaining_ms(const rpa_slot *slot) {
    gpr_timespec deadline = slot->deadline;
    if (gpr_time_cmp(deadline, gpr_inf_future(deadline.clock_type)) == 0) return -1;
    gpr_timespec left = gpr_time_sub(deadline, gpr_now(deadline.clock_type));
    long long ms = (long long)left.tv_sec * 1000 + left.tv_nsec / 1000000;
    return ms < 0 ? 0 : ms;
}

/// The request message the core read up front, as contiguous bytes owned by
/// the slot; NULL when the client half-closed without one. An uncompressed
/// one-slice message is read in place, without a copy.
static inline const void *rpa_slot_payload_bytes(rpa_slot *slot, size_t *length) {
    *length = 0;
    if (slot->payload == NULL) return NULL;
    if (!slot->has_payload_slice) {
        if (slot->payload->type == GRPC_BB_RAW && slot->payload->data.raw.compression == GRPC_COMPRESS_NONE &&
            slot->payload->data.raw.slice_buffer.count == 1) {
            slot->payload_slice = grpc_slice_ref(slot->payload->data.raw.slice_buffer.slices[0]);
        } else {
            grpc_byte_buffer_reader reader;
            if (!grpc_byte_buffer_reader_init(&reader, slot->payload)) return NULL;
            slot->payload_slice = grpc_byte_buffer_reader_readall(&reader);
            grpc_byte_buffer_reader_destroy(&reader);
        }
        slot->has_payload_slice = 1;
    }
    *length = GRPC_SLICE_LENGTH(slot->payload_slice);
    return GRPC_SLICE_START_PTR(slot->payload_slice);
}

/// Starts the one reply batch of a unary call held by the slot: initial
/// metadata, the message (when bytes is not NULL), the status and
/// RECV_CLOSE_ON_SERVER. The slot must stay untouched until `tag` completes.
static inline grpc_call_error rpa_slot_start_unary_reply(rpa_slot *slot, const void *bytes, size_t length,
                                                         int has_message, int code, const char *details,
                                                         void *tag) {
    rpa_unary_reply *reply = &slot->reply;
    memset(reply->ops, 0, sizeof(reply->ops));
    size_t count = 0;
    reply->ops[count].op = GRPC_OP_SEND_INITIAL_METADATA;
    count++;
    if (has_message) {
        grpc_slice slice = grpc_slice_from_copied_buffer((const char *)bytes, length);
        reply->send_buffer = grpc_raw_byte_buffer_create(&slice, 1);
        grpc_slice_unref(slice);
        reply->ops[count].op = GRPC_OP_SEND_MESSAGE;
        reply->ops[count].data.send_message.send_message = reply->send_buffer;
        count++;
    }
    if (details != NULL && details[0] != '\0') {
        grpc_slice_unref(reply->status_details);
        reply->status_details = grpc_slice_from_copied_string(details);
    }
    reply->ops[count].op = GRPC_OP_SEND_STATUS_FROM_SERVER;
    reply->ops[count].data.send_status_from_server.status = (grpc_status_code)code;
    reply->ops[count].data.send_status_from_server.status_details = &reply->status_details;
    count++;
    reply->ops[count].op = GRPC_OP_RECV_CLOSE_ON_SERVER;
    reply->ops[count].data.recv_close_on_server.cancelled = &reply->cancelled;
    count++;
    return grpc_call_start_batch(slot->call, reply->ops, count, tag, NULL);
}

// ---- Op batches -------------------------------------------------------------

/// One batch of ops with the storage its ops point into. It must outlive the
/// batch: free it with rpa_batch_destroy only after the batch's tag completed.
typedef struct {
    grpc_op ops[6];
    size_t count;
    grpc_byte_buffer *send_buffer;
    grpc_byte_buffer *recv_buffer;
    grpc_slice status_details;
    int has_status_details;
    grpc_slice recv_slice;
    int has_recv_slice;
    int cancelled;
} rpa_batch;

static inline rpa_batch *rpa_batch_create(void) {
    return (rpa_batch *)gpr_zalloc(sizeof(rpa_batch));
}

static inline void rpa_batch_destroy(rpa_batch *batch) {
    if (batch->send_buffer) grpc_byte_buffer_destroy(batch->send_buffer);
    if (batch->recv_buffer) grpc_byte_buffer_destroy(batch->recv_buffer);
    if (batch->has_status_details) grpc_slice_unref(batch->status_details);
    if (batch->has_recv_slice) grpc_slice_unref(batch->recv_slice);
    gpr_free(batch);
}

static inline grpc_op *rpa_batch_next_op(rpa_batch *batch, grpc_op_type type) {
    grpc_op *op = &batch->ops[batch->count++];  // zeroed by gpr_zalloc
    op->op = type;
    return op;
}

static inline void rpa_batch_add_send_initial_metadata(rpa_batch *batch) {
    grpc_op *op = rpa_batch_next_op(batch, GRPC_OP_SEND_INITIAL_METADATA);
    op->data.send_initial_metadata.count = 0;
}

/// Copies the bytes into a new byte buffer owned by the batch.
static inline void rpa_batch_add_send_message(rpa_batch *batch, const void *bytes, size_t length) {
    grpc_slice slice = grpc_slice_from_copied_buffer((const char *)bytes, length);
    batch->send_buffer = grpc_raw_byte_buffer_create(&slice, 1);
    grpc_slice_unref(slice);
    grpc_op *op = rpa_batch_next_op(batch, GRPC_OP_SEND_MESSAGE);
    op->data.send_message.send_message = batch->send_buffer;
}

static inline void rpa_batch_add_send_status(rpa_batch *batch, int code, const char *details) {
    batch->status_details = grpc_slice_from_copied_string(details ? details : "");
    batch->has_status_details = 1;
    grpc_op *op = rpa_batch_next_op(batch, GRPC_OP_SEND_STATUS_FROM_SERVER);
    op->data.send_status_from_server.trailing_metadata_count = 0;
    op->data.send_status_from_server.status = (grpc_status_code)code;
    op->data.send_status_from_server.status_details = &batch->status_details;
}

static inline void rpa_batch_add_recv_message(rpa_batch *batch) {
    grpc_op *op = rpa_batch_next_op(batch, GRPC_OP_RECV_MESSAGE);
    op->data.recv_message.recv_message = &batch->recv_buffer;
}

static inline void rpa_batch_add_recv_close(rpa_batch *batch) {
    grpc_op *op = rpa_batch_next_op(batch, GRPC_OP_RECV_CLOSE_ON_SERVER);
    op->data.recv_close_on_server.cancelled = &batch->cancelled;
}

static inline grpc_call_error rpa_batch_start(grpc_call *call, rpa_batch *batch, void *tag) {
    return grpc_call_start_batch(call, batch->ops, batch->count, tag, NULL);
}

/// 1 when RECV_MESSAGE delivered a message, 0 when the client half-closed.
static inline int rpa_batch_has_received_message(const rpa_batch *batch) {
    return batch->recv_buffer != NULL;
}

/// The received message, decompressed and flattened into one slice owned by
/// the batch. NULL when there was no message (the client half-closed).
static inline const void *rpa_batch_message_bytes(rpa_batch *batch, size_t *length) {
    *length = 0;
    if (batch->recv_buffer == NULL) return NULL;
    if (!batch->has_recv_slice) {
        grpc_byte_buffer_reader reader;
        if (!grpc_byte_buffer_reader_init(&reader, batch->recv_buffer)) return NULL;
        batch->recv_slice = grpc_byte_buffer_reader_readall(&reader);
        grpc_byte_buffer_reader_destroy(&reader);
        batch->has_recv_slice = 1;
    }
    *length = GRPC_SLICE_LENGTH(batch->recv_slice);
    return GRPC_SLICE_START_PTR(batch->recv_slice);
}

static inline int rpa_batch_was_cancelled(const rpa_batch *batch) {
    return batch->cancelled;
}

#endif
