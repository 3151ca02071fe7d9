def test_admin_logs_in_and_reads_languages(admin_gql):
    result = admin_gql("{ languages { code name } }")
    assert {"code": "en", "name": "English"} in result["data"]["languages"]
