// The optimistic first attempt of a commit (catalogs other processes may write, i.e. PostgreSQL):
// reading the latest snapshot inside the catalog transaction costs a round trip of its own before
// the commit's batch can be built. When the snapshot the transaction started from is the newest
// this attachment has seen, the first attempt builds on it unread, and the batch's first statement
// (the snapshot row, SnapshotWriter::RequireLatest) checks the guess: it inserts id latest+1 only
// while `latest` is still the lake's latest snapshot, else an id that exists. Every writer adds
// max+1 under the primary key, so when somebody committed since (or is committing: PostgreSQL makes
// the second inserter of a key wait for the first and then fail), the insert fails on the key,
// nothing of the batch survives (one transaction), RunCatalogTransaction sees a
// MetadataConflictException and the next attempt reads the latest snapshot and checks conflicts
// as usual. Nothing cached is touched before the commit succeeded (LakeCommit::Run).
//
// What the batch computes from cached or once-read values (table stats record counts and
// next_row_id, next ids of the snapshot, the column stats rows it updates in place) is exact exactly
// when the transaction's snapshot is still the latest, which the key guarantees at commit.
//
// Catalogs only this process writes (a DuckDB file; SQLite while its data_version shows no other
// writer) already read the latest snapshot from the write cache without a round trip: they keep
// the plain path.
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_commit.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

namespace duckdb {

bool LakeCommit::TryOptimisticAttempt() {
	bool first = !attempted;
	attempted = true;
	if (!first || version_before.IsValid()) {
		return false;
	}
	return transaction.GetCatalog().GetWriteCache().IsNewestSeenSnapshot(transaction.GetSnapshot().snapshot_id);
}

bool LakeCommit::TryOptimisticBatch(MetadataConnection &conn, SnapshotWriter &writer) {
	try {
		ExecuteBatch(writer);
		return true;
	} catch (MetadataConflictException &) {
		// Somebody committed since the transaction started: build on the latest snapshot at once,
		// without the retry loop's backoff (its later attempts still back off).
		if (conn.InTransaction()) {
			conn.Rollback();
		}
		conn.BeginTransaction();
		Attempt(conn);
		return false;
	}
}

} // namespace duckdb
