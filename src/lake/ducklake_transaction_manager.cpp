#include "mallard/lake/ducklake_transaction_manager.hpp"

#include "mallard/catalog/lake_options.hpp"
#include "mallard/functions/maintenance_functions.hpp"
#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

#include "duckdb/common/types/interval.hpp"

namespace duckdb {

DuckLakeTransactionManager::DuckLakeTransactionManager(AttachedDatabase &db, DuckLakeCatalog &catalog)
    : TransactionManager(db), catalog(catalog) {
}

Transaction &DuckLakeTransactionManager::StartTransaction(ClientContext &context) {
	auto transaction = make_uniq<DuckLakeTransaction>(catalog, *this, context);
	auto &result = *transaction;
	lock_guard<mutex> guard(transaction_lock);
	transactions[result] = std::move(transaction);
	return result;
}

ErrorData DuckLakeTransactionManager::CommitTransaction(ClientContext &context, Transaction &transaction) {
	auto &lake_transaction = transaction.Cast<DuckLakeTransaction>();
	ErrorData error;
	try {
		lake_transaction.Commit();
	} catch (std::exception &ex) {
		error = ErrorData(ex);
		// Nothing of a failed commit may stay behind: the files it wrote are not in the catalog.
		try {
			lake_transaction.Rollback();
		} catch (...) {
		}
	}
	lock_guard<mutex> guard(transaction_lock);
	transactions.erase(transaction);
	return error;
}

void DuckLakeTransactionManager::RollbackTransaction(Transaction &transaction) {
	auto &lake_transaction = transaction.Cast<DuckLakeTransaction>();
	lake_transaction.Rollback();
	lock_guard<mutex> guard(transaction_lock);
	transactions.erase(transaction);
}

void DuckLakeTransactionManager::Checkpoint(ClientContext &context, bool force) {
	if (catalog.IsReadOnly()) {
		throw InvalidInputException("Cannot checkpoint lake \"%s\": it is attached read-only", catalog.GetName());
	}
	auto &transaction = DuckLakeTransaction::Get(context, catalog);
	if (transaction.HasChanges()) {
		// As DuckDB's own CHECKPOINT: its steps would replace files this transaction's changes point at.
		throw TransactionException("Cannot CHECKPOINT lake \"%s\": the current transaction has uncommitted changes "
		                           "to it; COMMIT or ROLLBACK first",
		                           catalog.GetName());
	}
	// Each step works on what the one before it committed, so they commit at once, also inside
	// BEGIN ... COMMIT (where a lone maintenance call waits for the transaction's commit).
	transaction.SetCommitsMaintenanceNow(true);
	try {
		RunCheckpointSteps(context);
	} catch (...) {
		transaction.SetCommitsMaintenanceNow(false);
		throw;
	}
	transaction.SetCommitsMaintenanceNow(false);
}

void DuckLakeTransactionManager::RunCheckpointSteps(ClientContext &context) {
	// CHECKPOINT lake runs the maintenance steps in DuckLake's order: flush inlined data,
	// expire snapshots (per expire_older_than; none when unset), merge adjacent files, rewrite
	// files with many deletes (per rewrite_delete_threshold, 0.95 when unset), clean up scheduled
	// and orphaned files (per delete_older_than, 1 day when unset). The options compaction_schema
	// and compaction_table narrow the flush, merge and rewrite to one schema or table.
	auto options = catalog.WithMetadata(
	    [&](MetadataConnection &conn) { return LakeOptions::ReadEffective(conn, optional_idx(), optional_idx()); });
	auto option = [&](const char *name) {
		auto entry = options.find(name);
		return entry == options.end() ? string() : entry->second;
	};
	MergeFilesRequest merge;
	merge.schema_name = option("compaction_schema");
	merge.table_name = option("compaction_table");
	RewriteFilesRequest rewrite;
	rewrite.schema_name = merge.schema_name;
	rewrite.table_name = merge.table_name;
	FlushInlinedData(context, catalog, merge.schema_name, merge.table_name);
	ExpireSnapshotsRequest expire;
	if (OptionCutoff(context, catalog, "expire_older_than", expire.older_than)) {
		expire.has_older_than = true;
		ExpireSnapshots(context, catalog, expire);
	}
	MergeAdjacentFiles(context, catalog, merge);
	RewriteDataFiles(context, catalog, rewrite);
	FileCleanupRequest cleanup;
	if (!OptionCutoff(context, catalog, "delete_older_than", cleanup.older_than)) {
		cleanup.older_than = timestamp_tz_t(Timestamp::GetCurrentTimestamp().value - Interval::MICROS_PER_DAY);
	}
	CleanupOldFiles(context, catalog, cleanup);
	DeleteOrphanedFiles(context, catalog, cleanup);
}

} // namespace duckdb
