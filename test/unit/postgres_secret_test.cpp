// PostgreSQL catalog connections completed from postgres secrets (mallard/catalog/postgres_secret.hpp).
#include "mallard/catalog/postgres_secret.hpp"
#include "mallard/mallard.hpp"

#include "duckdb/common/error_data.hpp"
#include "duckdb/main/client_context.hpp"

#include <gtest/gtest.h>

using namespace duckdb;

namespace {

class PostgresSecretTest : public ::testing::Test {
protected:
	void SetUp() override {
		db = OpenMallardDatabase("");
		con = make_uniq<Connection>(*db);
	}
	void Run(const string &sql) {
		auto result = con->Query(sql);
		ASSERT_FALSE(result->HasError()) << sql << ": " << result->GetError();
	}
	string Complete(const string &conninfo, const string &secret = "",
	                const vector<pair<string, string>> &extra = {}) {
		string result;
		con->context->RunFunctionInTransaction(
		    [&]() { result = CompletePostgresConninfo(*con->context, conninfo, secret, extra); });
		return result;
	}

	unique_ptr<DuckDB> db;
	unique_ptr<Connection> con;
};

} // namespace

TEST_F(PostgresSecretTest, WithoutSecretsTheConninfoStaysAsGiven) {
	EXPECT_EQ(Complete("host=db.example dbname=lake"), "host=db.example dbname=lake");
	EXPECT_EQ(Complete(""), "");
}

TEST_F(PostgresSecretTest, TheUnnamedSecretFillsWhatTheConninfoLeavesOut) {
	Run("CREATE SECRET (TYPE postgres, HOST 'db.example', PORT 5433, DATABASE 'from_secret', USER 'lake', "
	    "PASSWORD 'it''s \\ secret')");
	// dbname given in the conninfo wins; the rest comes from the secret, quoted for libpq.
	EXPECT_EQ(Complete("dbname=mine"),
	          "dbname='mine' host='db.example' port='5433' user='lake' password='it\\'s \\\\ secret'");
	// Nothing to add: the text is kept as it was.
	EXPECT_EQ(Complete("host=h port=1 dbname=d user=u password=p"), "host=h port=1 dbname=d user=u password=p");
}

TEST_F(PostgresSecretTest, AUriIsRebuiltAsKeywords) {
	Run("CREATE SECRET (TYPE postgres, PASSWORD 'pw')");
	auto result = Complete("postgresql://lake@db.example:5433/catalog");
	for (auto expected : {"user='lake'", "password='pw'", "host='db.example'", "port='5433'", "dbname='catalog'"}) {
		EXPECT_NE(result.find(expected), string::npos) << result;
	}
}

TEST_F(PostgresSecretTest, GivenKeywordsBeatTheSecretAndANamedSecretBeatsTheUnnamedOne) {
	Run("CREATE SECRET (TYPE postgres, USER 'unnamed', DATABASE 'unnamed_db')");
	Run("CREATE SECRET catalog_server (TYPE postgres, USER 'named', HOST 'named.example')");
	EXPECT_EQ(Complete("", "catalog_server", {{"user", "given"}}), "user='given' host='named.example'");
	EXPECT_EQ(Complete("", ""), "dbname='unnamed_db' user='unnamed'");
}

TEST_F(PostgresSecretTest, ANamedSecretMustExistAndBeAPostgresOne) {
	try {
		Complete("dbname=x", "missing");
		FAIL() << "a missing secret was accepted";
	} catch (std::exception &ex) {
		auto message = ErrorData(ex).RawMessage();
		EXPECT_NE(message.find("No PostgreSQL secret named \"missing\""), string::npos) << message;
	}
	Run("CREATE SECRET lake_settings (TYPE ducklake, METADATA_PATH 'lake.ducklake')");
	try {
		Complete("dbname=x", "lake_settings");
		FAIL() << "a ducklake secret was taken for a postgres one";
	} catch (std::exception &ex) {
		auto message = ErrorData(ex).RawMessage();
		EXPECT_NE(message.find("Secret \"lake_settings\" is of type ducklake, not postgres"), string::npos) << message;
	}
}
