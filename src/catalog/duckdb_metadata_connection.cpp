#include "mallard/catalog/duckdb_metadata_connection.hpp"

#include "mallard/catalog/catalog_chunk.hpp"

#include "mallard/catalog/ducklake_types.hpp"
#include "mallard/mallard.hpp"

#include "core_functions/aggregate/distributive_functions.hpp"

#include "duckdb/common/error_data.hpp"
#include "duckdb/common/string_util.hpp"
#include "duckdb/catalog/catalog.hpp"
#include "duckdb/catalog/catalog_entry/schema_catalog_entry.hpp"
#include "duckdb/common/types/column/column_data_collection.hpp"
#include "duckdb/main/client_context.hpp"
#include "duckdb/main/config.hpp"
#include "duckdb/main/attached_database.hpp"
#include "duckdb/main/database_manager.hpp"
#include "duckdb/main/connection.hpp"
#include "duckdb/main/database.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/main/materialized_query_result.hpp"
#include "duckdb/main/prepared_statement_data.hpp"
#include "duckdb/storage/storage_info.hpp"
#include "duckdb/transaction/transaction.hpp"

#include <climits>
#include <cstdlib>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace duckdb {

namespace {

//! The functions catalog SQL uses beyond DuckDB's core: sum (lake.table_info()).
class CatalogFunctions : public Extension {
public:
	void Load(ExtensionLoader &loader) override {
		auto sum = SumFun::GetFunctions();
		sum.name = SumFun::Name; // (GetFunctions leaves naming to the registering code)
		loader.RegisterFunction(std::move(sum));
	}
	string Name() override {
		return "mallard_catalog_functions";
	}
};

bool FileExists(const string &path) {
	struct stat st;
	return stat(path.c_str(), &st) == 0;
}

//! One name per file, however it was spelled: the resolved absolute path.
string CanonicalPath(const string &path) {
	char resolved[PATH_MAX];
	if (realpath(path.c_str(), resolved)) {
		return resolved;
	}
	if (!path.empty() && path[0] == '/') {
		return path;
	}
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd))) {
		return path;
	}
	return string(cwd) + "/" + path;
}

} // namespace

//! Counts the committed writes to one catalog file. They all come from this process (DuckDB's file
//! lock), under `lock`, so the count names the file's state (MetadataConnection::CommitVersion).
struct CatalogFileVersion {
	std::mutex lock;
	idx_t version = 0;
};

namespace {

//! The DuckDB instances of the catalog files this process has open. An instance is destroyed
//! under the lock when its last connection goes, so a new one never opens the file while the old
//! one still checkpoints it.
struct OpenCatalogFile {
	unique_ptr<DuckDB> database;
	shared_ptr<CatalogFileVersion> version = make_shared_ptr<CatalogFileVersion>();
	idx_t connections = 0;
	bool read_only = false;
};

// Never destroyed: a connection may outlive static destruction at process exit.
std::mutex &open_files_lock = *new std::mutex();
unordered_map<string, OpenCatalogFile> &open_files = *new unordered_map<string, OpenCatalogFile>();
idx_t in_memory_count = 0;

DuckDB &AcquireCatalogFile(const MetadataLocation &location, bool read_only, string &key,
                           shared_ptr<CatalogFileVersion> &version) {
	auto &path = location.target;
	auto name = location.DisplayName();
	bool in_memory = path == ":memory:";
	if (read_only && !in_memory && !FileExists(path)) {
		throw IOException("DuckDB catalog %s does not exist (a read-only catalog is never created)", name);
	}
	std::lock_guard<std::mutex> guard(open_files_lock);
	key = in_memory ? ":memory:" + std::to_string(in_memory_count++) : CanonicalPath(path);
	auto entry = open_files.find(key);
	if (entry != open_files.end()) {
		if (entry->second.read_only && !read_only) {
			throw IOException("DuckDB catalog %s is already open read-only in this process; detach it before "
			                  "attaching it read-write",
			                  name);
		}
		entry->second.connections++;
		version = entry->second.version;
		return *entry->second.database;
	}
	DBConfig config;
	config.options.access_mode = read_only ? AccessMode::READ_ONLY : AccessMode::READ_WRITE;
	// The catalog needs no extensions; nothing may be downloaded.
	config.options.autoinstall_known_extensions = false;
	config.options.autoload_known_extensions = false;
	// Nor the extensions linked into DuckDB (core functions, ICU, JSON, Parquet): registering them
	// costs about 13 ms per instance (measured), half of what ATTACH of a DuckDB catalog took.
	// The catalog's SQL needs one function from them, registered below.
	config.options.load_extensions = false;
	// Catalog statements are small: one thread runs each alone, where a pool hands its pipelines to
	// workers and waits for them (measured: a catalog statement on 1,000 or 100,000 files takes
	// about half as long on one thread when the cores are busy).
	config.options.maximum_threads = 1;
	// A new catalog file is written in DuckDB 1.2's format rather than 1.4's default of 0.10.2, whose
	// distinct-count sketches (one per column of every catalog table) take 3 ms to convert on each
	// open (measured). 1.1 has the new sketches but its files do not record the format, so every later
	// open would write the old one again. DuckLake needs DuckDB 1.3 or later, which reads 1.2's.
	// Existing files keep their format.
	config.options.serialization_compatibility = SerializationCompatibility::FromString("v1.2.0");
	PinSettingDefaults(config);
	OpenCatalogFile file;
	try {
		file.database = make_uniq<DuckDB>(in_memory ? nullptr : path.c_str(), &config);
	} catch (std::exception &ex) {
		ErrorData error(ex);
		auto &reason = error.RawMessage();
		if (StringUtil::Contains(reason, "Could not set lock on file")) {
			throw IOException("DuckDB catalog %s is in use by another process: a DuckDB catalog file can be opened by "
			                  "one process at a time (use a SQLite or PostgreSQL catalog to share a lake between "
			                  "processes). %s",
			                  name, reason);
		}
		throw IOException("Could not open DuckDB catalog %s: %s", name, reason);
	}
	file.database->LoadStaticExtension<CatalogFunctions>();
	file.connections = 1;
	file.read_only = read_only;
	auto &database = *file.database;
	version = file.version;
	open_files[key] = std::move(file);
	return database;
}

void ReleaseCatalogFile(const string &key) {
	std::lock_guard<std::mutex> guard(open_files_lock);
	auto entry = open_files.find(key);
	if (entry == open_files.end()) {
		return;
	}
	if (--entry->second.connections == 0) {
		open_files.erase(entry); // closes (and checkpoints) the file
	}
}

bool IsConflict(const ErrorData &error) {
	auto &message = error.Message();
	return error.Type() == ExceptionType::CONSTRAINT || StringUtil::Contains(message, "onflict") ||
	       StringUtil::Contains(message, "Duplicate key") ||
	       StringUtil::Contains(message, "PRIMARY KEY or UNIQUE constraint");
}

Value ConvertValue(const Value &value) {
	if (value.IsNull()) {
		return Value();
	}
	if (FitsBigint(value.type())) {
		return Value::BIGINT(value.GetValue<int64_t>());
	}
	switch (value.type().id()) {
	case LogicalTypeId::BOOLEAN:
	case LogicalTypeId::BLOB:
		return value;
	default:
		return Value(value.ToString());
	}
}

} // namespace

LogicalType DuckDBMetadataConnection::ResultType(const LogicalType &type) {
	if (FitsBigint(type)) {
		return LogicalType::BIGINT;
	}
	switch (type.id()) {
	case LogicalTypeId::BOOLEAN:
	case LogicalTypeId::BLOB:
		return type;
	default:
		return LogicalType::VARCHAR;
	}
}

DuckDBMetadataConnection::DuckDBMetadataConnection(const MetadataLocation &location_p, bool read_only_p) {
	location = location_p;
	read_only = read_only_p;
	database = &AcquireCatalogFile(location, read_only, file_key, file_version);
	try {
		connection = make_uniq<Connection>(*database);
		if (!location.metadata_schema.empty() && !read_only) {
			Execute("CREATE SCHEMA IF NOT EXISTS " + Identifier(location.metadata_schema));
		}
	} catch (...) {
		connection.reset();
		ReleaseCatalogFile(file_key);
		throw;
	}
}

DuckDBMetadataConnection::~DuckDBMetadataConnection() {
	// The connection goes before the shared instance it points into; DuckDB rolls back an open
	// transaction itself.
	prepared.clear();
	connection.reset();
	if (database) {
		ReleaseCatalogFile(file_key);
	}
}

void DuckDBMetadataConnection::ThrowError(const ErrorData &error) {
	auto name = location.DisplayName();
	if (IsConflict(error)) {
		if (InTransaction()) {
			// The contract of MetadataConflictException: the transaction is rolled back.
			connection->Query("ROLLBACK");
		}
		throw MetadataConflictException(StringUtil::Format("DuckDB catalog %s: %s", name, error.Message()));
	}
	throw IOException("DuckDB catalog %s: %s", name, error.Message());
}

unique_ptr<MaterializedQueryResult> DuckDBMetadataConnection::Run(const string &sql) {
	vector<unique_ptr<SQLStatement>> statements;
	try {
		statements = connection->ExtractStatements(sql);
	} catch (std::exception &ex) {
		ThrowError(ErrorData(ex));
	}
	if (read_only) {
		// A read-only connection may share a read-write instance (see AcquireCatalogFile).
		for (auto &statement : statements) {
			auto type = statement->type;
			if (type != StatementType::SELECT_STATEMENT && type != StatementType::TRANSACTION_STATEMENT &&
			    type != StatementType::EXPLAIN_STATEMENT) {
				throw IOException("DuckDB catalog %s was opened read-only: %s statements are not allowed",
				                  location.DisplayName(), StatementTypeToString(type));
			}
		}
	}
	unique_ptr<MaterializedQueryResult> last;
	for (auto &statement : statements) {
		auto result = connection->Query(std::move(statement));
		if (result->HasError()) {
			ThrowError(result->GetErrorObject());
		}
		last = std::move(result);
	}
	return last;
}

void DuckDBMetadataConnection::Execute(const string &sql) {
	if (InTransaction()) {
		Run(sql);
		return;
	}
	// Each statement commits by itself: count it as a write, failed or not (some may have run).
	std::lock_guard<std::mutex> guard(file_version->lock);
	try {
		Run(sql);
	} catch (...) {
		file_version->version++;
		throw;
	}
	file_version->version++;
}

bool DuckDBMetadataConnection::IsCurrent(PreparedStatement &statement) {
	// DuckDB binds a prepared statement again, on every run, once a catalog change (CREATE TABLE,
	// here the inlined-data tables) moved the catalog version it was bound at: the rebound plan is not
	// kept. The versions checked as DuckDB checks them (PreparedStatementData::RequireRebind).
	auto &context = *connection->context;
	auto &properties = statement.data->properties;
	for (auto databases : {&properties.read_databases, &properties.modified_databases}) {
		for (auto &entry : *databases) {
			auto database = DatabaseManager::Get(context).GetDatabase(context, entry.first);
			if (!database) {
				return false;
			}
			Transaction::Get(context, *database);
			auto &catalog = database->GetCatalog();
			StatementProperties::CatalogIdentity current {catalog.GetOid(), catalog.GetCatalogVersion(context)};
			if (!entry.second.catalog_version.IsValid() || current != entry.second) {
				return false;
			}
		}
	}
	return true;
}

optional_ptr<DuckDBMetadataConnection::KeptStatement> DuckDBMetadataConnection::Prepared(const string &sql) {
	auto entry = prepared.find(sql);
	if (entry != prepared.end() && (!entry->second || IsCurrent(*entry->second->statement))) {
		return entry->second.get();
	}
	// As SQLite's: a commit's statements come in a few shapes per table.
	static constexpr idx_t MAX_PREPARED = 64;
	if (prepared.size() >= MAX_PREPARED) {
		prepared.clear();
	}
	unique_ptr<KeptStatement> kept;
	auto statement = connection->Prepare(sql);
	// (An error, e.g. a parameter whose type DuckDB cannot infer, leaves it null: literals still work.)
	if (!statement->HasError()) {
		kept = make_uniq<KeptStatement>();
		auto types = statement->GetExpectedParameterTypes();
		for (idx_t i = 1; i <= statement->named_param_map.size(); i++) {
			auto type = types.find(std::to_string(i));
			kept->types.push_back(type == types.end() ? LogicalType(LogicalTypeId::UNKNOWN) : type->second);
		}
		kept->statement = std::move(statement);
	}
	auto result = kept.get();
	prepared[sql] = std::move(kept);
	return result;
}

void DuckDBMetadataConnection::RunKept(const MetadataStatement &statement) {
	auto kept = Prepared(statement.sql);
	if (!kept) {
		Run(statement.parameters.empty() ? statement.sql : Render(statement));
		return;
	}
	if (kept->types.size() != statement.parameters.size()) {
		throw InternalException("Catalog statement has %llu placeholders for %llu parameters: %s", kept->types.size(),
		                        statement.parameters.size(), statement.sql);
	}
	// Each value cast as binding would cast it (PreparedStatementData::Bind), so the statement is not
	// bound again.
	vector<Value> values;
	values.reserve(statement.parameters.size());
	for (idx_t i = 0; i < statement.parameters.size(); i++) {
		auto &value = statement.parameters[i];
		auto &type = kept->types[i];
		Value cast;
		string error;
		bool castable = type.id() != LogicalTypeId::UNKNOWN && type.id() != LogicalTypeId::INVALID &&
		                value.DefaultTryCastAs(type, cast, &error);
		values.push_back(castable ? std::move(cast) : value);
	}
	auto result = kept->statement->Execute(values, false);
	if (result->HasError()) {
		ThrowError(result->GetErrorObject());
	}
}

void DuckDBMetadataConnection::ExecuteBatch(const vector<MetadataStatement> &statements, bool commit) {
	if (!InTransaction() || IsReadOnly()) {
		// Outside a transaction each statement commits by itself, which Execute accounts for.
		MetadataConnection::ExecuteBatch(statements, commit);
		return;
	}
	for (auto &statement : statements) {
		if (statement.parameters.empty()) {
			Run(statement.sql);
		} else {
			RunKept(statement);
		}
	}
	if (commit) {
		Commit();
	}
}

MetadataResult DuckDBMetadataConnection::Query(const string &sql) {
	MetadataResult output;
	auto result = Run(sql);
	if (!result) {
		return output;
	}
	output.names = result->names;
	auto &collection = result->Collection();
	output.rows.reserve(collection.Count());
	for (auto &chunk : collection.Chunks()) {
		for (idx_t row = 0; row < chunk.size(); row++) {
			vector<Value> values;
			values.reserve(chunk.ColumnCount());
			for (idx_t column = 0; column < chunk.ColumnCount(); column++) {
				values.push_back(ConvertValue(chunk.GetValue(column, row)));
			}
			output.rows.push_back(std::move(values));
		}
	}
	return output;
}

unique_ptr<ColumnDataCollection> DuckDBMetadataConnection::QueryColumns(const string &sql) {
	auto result = Run(sql);
	if (!result || result->types.empty()) {
		throw InvalidInputException("DuckDB catalog %s: the statement returns no rows", location.DisplayName());
	}
	vector<LogicalType> types;
	for (auto &type : result->types) {
		types.push_back(ResultType(type));
	}
	if (types == result->types) {
		return result->TakeCollection();
	}
	// A catalog written by another tool may hold other types: cast them, a vector at a time.
	auto &source = result->Collection();
	auto collection = make_uniq<ColumnDataCollection>(Allocator::DefaultAllocator(), types);
	DataChunk converted;
	converted.Initialize(Allocator::DefaultAllocator(), types);
	for (auto &chunk : source.Chunks()) {
		converted.Reset();
		for (idx_t column = 0; column < types.size(); column++) {
			ReferenceOrCast(chunk.data[column], converted.data[column], chunk.size());
		}
		converted.SetCardinality(chunk.size());
		collection->Append(converted);
	}
	return collection;
}

void DuckDBMetadataConnection::BeginTransaction() {
	if (InTransaction()) {
		throw TransactionException("A transaction on catalog %s is already active", location.DisplayName());
	}
	RunKept({"BEGIN TRANSACTION"});
}

void DuckDBMetadataConnection::Commit() {
	if (!InTransaction()) {
		throw TransactionException("No transaction on catalog %s to commit", location.DisplayName());
	}
	std::lock_guard<std::mutex> guard(file_version->lock);
	try {
		RunKept({"COMMIT"});
	} catch (...) {
		file_version->version++;
		throw;
	}
	file_version->version++;
}

optional_idx DuckDBMetadataConnection::CommitVersion() {
	std::lock_guard<std::mutex> guard(file_version->lock);
	return file_version->version;
}

void DuckDBMetadataConnection::Rollback() {
	if (!InTransaction()) {
		return;
	}
	Run("ROLLBACK");
}

bool DuckDBMetadataConnection::InTransaction() const {
	return connection && !connection->IsAutoCommit();
}

string DuckDBMetadataConnection::SchemaExpression() const {
	return location.metadata_schema.empty() ? "current_schema()" : Literal(location.metadata_schema);
}

bool DuckDBMetadataConnection::TableExists(const string &name) {
	for (auto &table : ListTables()) {
		if (table == name) {
			return true;
		}
	}
	return false;
}

vector<string> DuckDBMetadataConnection::ListTables() {
	// From the catalog itself rather than duckdb_tables(), which also works out every table's size
	// and SQL: 20-150 ms for the ~25 tables of a DuckLake catalog, most of a new process's ATTACH.
	vector<string> names;
	auto &context = *connection->context;
	try {
		context.RunFunctionInTransaction([&]() {
			auto &database = DatabaseManager::GetDefaultDatabase(context);
			auto schema_name = location.metadata_schema.empty() ? string(DEFAULT_SCHEMA) : location.metadata_schema;
			auto schema = Catalog::GetSchema(context, database, schema_name, OnEntryNotFound::RETURN_NULL);
			if (!schema) {
				return;
			}
			schema->Scan(context, CatalogType::TABLE_ENTRY, [&](CatalogEntry &entry) {
				if (entry.type == CatalogType::TABLE_ENTRY) { // views share the set
					names.push_back(entry.name);
				}
			});
		});
	} catch (std::exception &ex) {
		ThrowError(ErrorData(ex));
	}
	return names;
}

string DuckDBMetadataConnection::ColumnType(const string &kind) const {
	if (kind == "BIGINT" || kind == "VARCHAR" || kind == "BOOLEAN" || kind == "UUID" || kind == "UBIGINT") {
		return kind;
	}
	if (kind == "TIMESTAMPTZ") {
		return "TIMESTAMP WITH TIME ZONE";
	}
	throw InternalException("unknown catalog column kind \"%s\"", kind);
}

} // namespace duckdb
