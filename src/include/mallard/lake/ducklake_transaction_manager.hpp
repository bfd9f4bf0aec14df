//===----------------------------------------------------------------------===//
// mallard/lake/ducklake_transaction_manager.hpp
//===----------------------------------------------------------------------===//
#pragma once

#include "duckdb/common/reference_map.hpp"
#include "duckdb/transaction/transaction_manager.hpp"
#include "mallard/lake/ducklake_transaction.hpp"

namespace duckdb {

class DuckLakeCatalog;
class DuckLakeTransaction;

class DuckLakeTransactionManager : public TransactionManager {
public:
	DuckLakeTransactionManager(AttachedDatabase &db, DuckLakeCatalog &catalog);

	Transaction &StartTransaction(ClientContext &context) override;
	ErrorData CommitTransaction(ClientContext &context, Transaction &transaction) override;
	void RollbackTransaction(Transaction &transaction) override;
	void Checkpoint(ClientContext &context, bool force = false) override;

private:
	//! Flush, expire, merge, rewrite, cleanup: CHECKPOINT's steps in DuckLake's order.
	void RunCheckpointSteps(ClientContext &context);

	DuckLakeCatalog &catalog;
	mutex transaction_lock;
	reference_map_t<Transaction, unique_ptr<DuckLakeTransaction>> transactions;
};

} // namespace duckdb
