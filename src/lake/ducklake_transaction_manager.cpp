#include "mallard/lake/ducklake_transaction_manager.hpp"

#include "mallard/lake/ducklake_catalog.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

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
	// CHECKPOINT lake runs maintenance; that arrives with the maintenance functions.
}

} // namespace duckdb
