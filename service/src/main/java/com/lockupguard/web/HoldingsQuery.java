package com.lockupguard.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.lockupguard.avro.ProposedOrder;
import com.lockupguard.rules.HoldingKey;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

/**
 * Positions, open reservations and what-if decisions from the guard's state, wherever it lives. Answers are JSON,
 * whether computed here or fetched from the instance that owns the holding. Throws
 * {@link ApiException} (503 while rebalancing, 404 for an unknown holding).
 */
public interface HoldingsQuery {

    /** A JSON answer and the instance (host:port) that computed it. */
    record Answer(JsonNode body, String servedBy) {
    }

    /**
     * Every holding's position: the lists of this instance and of each other one asked, sent joined as one JSON array
     * ({@link JsonArrayBytes}); for an instance's own holdings ({@code GET /api/holdings?local=true}), the partitions
     * of the inputs whose holdings it lists, else null.
     */
    record ListAnswer(List<JsonArrayBytes> lists, String servedBy, Set<Integer> partitions) {

        public ListAnswer {
            lists = List.copyOf(lists);
        }

        public boolean isEmpty() {
            return lists.stream().allMatch(JsonArrayBytes::isEmpty);
        }

        /** The lists' positions as one JSON array. */
        public InputStream body() {
            return JsonArrayBytes.joined(lists);
        }
    }

    /**
     * Every holding's position now; {@code localOnly}: only those this instance owns. {@code authorization} is
     * the caller's credential, which a request to another instance may carry on ({@link PeerAccess}).
     */
    ListAnswer all(boolean localOnly, String authorization);

    /** One holding's position now. */
    Answer one(HoldingKey holding, boolean localOnly, String authorization);

    /**
     * One holding's open reservations (RULES.md section 9), oldest first, each with its age at the
     * server's clock: what approvals still hold back that no fill or cancel has settled.
     */
    Answer reservations(HoldingKey holding, boolean localOnly, String authorization);

    /**
     * The agreement in force for one holding: its version number, its terms hash, and the terms as the hash is
     * taken of them, which decisions and positions refer to by version and hash.
     */
    Answer agreement(HoldingKey holding, boolean localOnly, String authorization);

    /**
     * What became of order {@code orderId} of one holding, side-effect free: its first decision as written, and
     * where its reservation stands (open, with what is left of it; filled; cancelled); 404 when the guard does not
     * know the id — not decided yet, decided INVALID_ORDER (not remembered), never sent, or forgotten after
     * {@code order.ids.retention.ms}.
     */
    Answer order(HoldingKey holding, String orderId, boolean localOnly, String authorization);

    /**
     * The decision {@code order} would get now, from the current state, recording nothing;
     * {@code body} is the request as received, forwarded as is to the instance that owns the holding.
     */
    Answer whatIf(ProposedOrder order, String body, boolean localOnly, String authorization);
}
