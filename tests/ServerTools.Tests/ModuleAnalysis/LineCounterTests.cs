using System.Linq;
using ServerTools.Build.Lines;

namespace ServerTools.Tests.ModuleAnalysis;

/// <summary>Code, comment and blank lines per kind of file (the module report's "lines").</summary>
public sealed class LineCounterTests
{
    private static void AssertCount(LineKind kind, string text, int code, int comment, int blank)
    {
        var count = LineCounter.Count(kind, text);
        Assert.Equal((code, comment, blank), (count.Code, count.Comment, count.Blank));
        Assert.Equal(1, count.Files);
    }

    [Fact]
    public void CSharp_line_and_block_comments_are_comment_lines_and_whitespace_lines_are_blank()
    {
        const string text = "// header\nusing System;\n\n   \t\n/* one\n   two\n*/\n/// <summary>doc</summary>\nclass C { }\n";
        AssertCount(LineKind.CSharp, text, code: 2, comment: 5, blank: 2);
    }

    [Fact]
    public void CSharp_line_with_code_and_a_comment_is_code()
    {
        AssertCount(LineKind.CSharp, "int a = 1; // one\n/* lead */ int b = 2;\nint c = 3; /* starts\nstill comment */ int d = 4;\n", code: 4, comment: 0, blank: 0);
    }

    [Fact]
    public void CSharp_comment_markers_inside_strings_and_characters_are_code()
    {
        const string text = """
            var url = "http://example.com/*not a comment*/";
            var c = '/';
            var d = "\" // still in the string";
            var e = '"'; // a comment after a quote character
            int f;
            """;
        AssertCount(LineKind.CSharp, text, code: 5, comment: 0, blank: 0);
    }

    [Fact]
    public void CSharp_verbatim_strings_span_lines_and_double_their_quotes()
    {
        const string text = "var s = @\"first \"\" // quoted\n// inside the string\n\n/* also inside */\";\n// a real comment\n";
        // The empty line inside the string is still only whitespace: blank.
        AssertCount(LineKind.CSharp, text, code: 3, comment: 1, blank: 1);
    }

    [Fact]
    public void CSharp_raw_strings_end_at_their_own_quote_count()
    {
        const string text = "var s = \"\"\"\"\n  // in the raw string\n  \"\"\" still inside\n  \"\"\"\";\n// after\nvar t = \"\"\"/* one line */\"\"\";\n";
        AssertCount(LineKind.CSharp, text, code: 5, comment: 1, blank: 0);
    }

    [Fact]
    public void CSharp_interpolation_holes_may_hold_strings_and_comment_markers_stay_in_the_literal()
    {
        const string text = "var a = $\"{(b ? \"//\" : \"x\")} /* text */ {{not a hole}}\";\n// comment\nvar r = $$\"\"\"\n  {{dict[\"k\"]}} // text {not a hole}\n  \"\"\";\n";
        AssertCount(LineKind.CSharp, text, code: 4, comment: 1, blank: 0);
    }

    [Fact]
    public void CSharp_empty_string_and_verbatim_identifiers_do_not_open_a_string()
    {
        AssertCount(LineKind.CSharp, "var s = \"\"; // c\nvar @class = 1;\n// only a comment\n", code: 2, comment: 1, blank: 0);
    }

    [Fact]
    public void A_final_line_without_newline_counts_and_an_empty_file_has_no_lines()
    {
        AssertCount(LineKind.CSharp, "class C { }", code: 1, comment: 0, blank: 0);
        AssertCount(LineKind.CSharp, "", code: 0, comment: 0, blank: 0);
        AssertCount(LineKind.CSharp, "\r\n", code: 0, comment: 0, blank: 1);
    }

    [Fact]
    public void Razor_comments_are_at_star_and_html_comments()
    {
        const string text = "@page \"/\"\n@* razor\n comment *@\n<!-- html -->\n<p>// not a comment</p>\n\n<p>x</p> @* trailing *@\n";
        AssertCount(LineKind.Razor, text, code: 3, comment: 3, blank: 1);
    }

    [Fact]
    public void Sql_comments_are_double_dash_and_block_and_strings_hide_them()
    {
        const string text = "-- header\nSELECT '--not', \"a--b\" /* c */\nFROM t; -- trailing\n/*\n multi\n*/\nSELECT $$ -- body\n/* body */ $$;\nSELECT $fn$ x $fn$;\n";
        AssertCount(LineKind.Sql, text, code: 5, comment: 4, blank: 0);
    }

    [Fact]
    public void Json_comments_are_counted_as_in_jsonc_and_strings_hide_them()
    {
        const string text = "{\n  // setting\n  \"url\": \"http://x//y\", /* note */\n  /* block\n  */\n  \"a\": \"\\\"//\"\n}\n";
        AssertCount(LineKind.Json, text, code: 4, comment: 3, blank: 0);
    }

    private static void AssertFileCount(string path, string text, int code, int comment, int blank)
    {
        var count = LineCounter.Count(path, text, null);
        Assert.Equal((code, comment, blank), (count.Code, count.Comment, count.Blank));
    }

    [Fact]
    public void Yaml_markdown_text_and_shell_files_have_no_comments_only_code_and_blank_lines()
    {
        AssertFileCount("ci.yml", "# yaml\non: push\n\n", code: 2, comment: 0, blank: 1);
        AssertFileCount("README.md", "<!-- not an HTML comment to Markdown's reader here -->\n# Title\n", code: 2, comment: 0, blank: 0);
        AssertFileCount("run.sh", "#!/bin/sh\n# c\necho '#'\n", code: 3, comment: 0, blank: 0);
    }

    [Theory]
    [InlineData("Shop.csproj")]
    [InlineData("Directory.Build.props")]
    [InlineData("build/Shop.targets")]
    [InlineData("data.xml")]
    [InlineData("wwwroot/index.html")]
    [InlineData("web.config")]
    [InlineData("Strings.resx")]
    [InlineData("wwwroot/logo.svg")]
    public void Xml_and_html_comments_are_comment_lines(string path)
    {
        const string text = "<Project>\n  <!-- one -->\n  <!--\n    two\n  -->\n  <A>1</A> <!-- trailing -->\n\n</Project>\n";
        AssertFileCount(path, text, code: 3, comment: 4, blank: 1);
    }

    [Theory]
    [InlineData("wwwroot/js/site.js")]
    [InlineData("src/app.mjs")]
    [InlineData("src/App.jsx")]
    [InlineData("src/app.ts")]
    [InlineData("src/App.tsx")]
    public void Script_comments_are_comment_lines_and_strings_and_template_literals_hide_them(string path)
    {
        AssertFileCount(path, "// Write your JavaScript code.\nrun();\n", code: 1, comment: 1, blank: 0);
        const string text = """
            const a = '//', b = "/* not */", c = 'it\'s // still'; // a comment after code
            const t = `first line
            // inside the template
            ${ `nested // ${x}` + '`' } /* still the template */
            `;
            // a real comment
            /* a real
               block */
            const d = "\" // in the string";
            """;
        AssertFileCount(path, text, code: 6, comment: 3, blank: 0);
    }

    [Fact]
    public void Script_regular_expression_literals_hide_comment_markers_quotes_and_backticks()
    {
        // "/*" in a literal opened a block comment to the end of the file; a backtick in one a template.
        AssertFileCount("src/trim.js", """
            function trim(p) {
              return p.replace(/\/*$/, "");
            }
            // c1
            const fence = /^`{3}/, quote = /['"]/g, slash = /[/]/;
            // c2
            const s = `template
            // inside the template
            ${x}`;
            const half = total / 2; // division, then a comment
            /* c3 */
            if (ok) { /a\//.test(s); }
            """, code: 9, comment: 3, blank: 0);
        // A "/" that starts no closed literal on its line is division, and what follows on the line is read as before.
        AssertFileCount("src/app.ts", "const x = a\n  / 2; // c\nlet y = (3 /* c */);\n// c\n", code: 3, comment: 1, blank: 0);
    }

    [Fact]
    public void Script_less_than_and_greater_than_never_start_a_regular_expression_literal()
    {
        // In JSX "</td>" closes an element: read as a literal from "/td>", the backtick after it opened a template to the end.
        AssertFileCount("src/Row.jsx", """
            const Row = ({ row }) => (
              <tr><td>{row.name}</td><td>{`${row.size}/s`}</td></tr>
            );
            // comment
            const x = 1;
            // another
            """, code: 4, comment: 2, blank: 0);
    }

    [Fact]
    public void Script_a_slash_at_the_start_of_a_line_after_an_expression_is_division()
    {
        // Read as a literal up to the "/" in the template, the backtick was left out and the next one opened a template.
        AssertFileCount("src/pct.js", """
            const pct = done
              / total + `% of ${unit}/s`;
            // comment
            const x = 1;
            // another
            """, code: 3, comment: 2, blank: 0);
    }

    [Theory]
    [InlineData("(/[")]
    [InlineData("x = /a/ / 2 /* c */ ; ")]
    [InlineData("'")]
    [InlineData("`${")]
    public void Script_counting_takes_linear_time_on_a_few_megabytes_of_one_line(string unit)
    {
        // Each is one line of 3 MB and takes well under a second (a hang of the test run is the regression).
        var text = string.Concat(Enumerable.Repeat(unit, 3_000_000 / unit.Length));
        AssertFileCount("big.js", text, code: 1, comment: 0, blank: 0);
    }

    [Fact]
    public void Css_has_block_comments_only_and_sass_less_and_proto_also_line_comments()
    {
        AssertFileCount("site.css", "/* c */\na { background: url(http://x/y.png); }\nb::after { content: \"/*\"; }\n", code: 2, comment: 1, blank: 0);
        AssertFileCount("site.scss", "// c\n/* d */\n$a: \"//\";\n", code: 1, comment: 2, blank: 0);
        AssertFileCount("site.less", "// c\n@a: 1;\n", code: 1, comment: 1, blank: 0);
        AssertFileCount("shop.proto", "// c\nsyntax = \"proto3\"; // d\n/* e */\n", code: 1, comment: 2, blank: 0);
    }

    [Fact]
    public void Dockerfile_http_and_batch_comments_are_whole_lines()
    {
        AssertFileCount("Dockerfile", "# syntax=docker/dockerfile:1\nFROM x\n  # indented\nRUN echo '# not' # nor this\n", code: 2, comment: 2, blank: 0);
        AssertFileCount("Dockerfile.dev", "# c\nFROM x\n", code: 1, comment: 1, blank: 0);
        AssertFileCount("api.http", "### list\nGET http://localhost/a#b\n// note\n\n# c\n", code: 1, comment: 3, blank: 1);
        AssertFileCount("build.cmd", "@echo off\nREM c\n@rem d\n:: e\nremove.exe\nrem\n", code: 2, comment: 4, blank: 0);
    }

    [Fact]
    public void Http_request_directives_after_a_comment_marker_are_code()
    {
        AssertFileCount("api.http", "# @name login\nPOST http://localhost/login\n// @prompt password\n#@no-redirect\n### @x\n# plain\n", code: 4, comment: 2, blank: 0);
    }

    [Fact]
    public void A_file_named_Dockerfile_with_an_extension_the_report_knows_is_of_that_kind()
    {
        Assert.Equal(LineKind.CSharp, FileKinds.KindOf("src/Dockerfile.cs"));
        AssertFileCount("src/Dockerfile.cs", "class A { }\n// comment\nclass B { }\n", code: 2, comment: 1, blank: 0);
        AssertFileCount("docs/Dockerfile.md", "# Title\ntext\n", code: 2, comment: 0, blank: 0);
        AssertFileCount("Dockerfile.prod", "# c\nFROM x\n", code: 1, comment: 1, blank: 0);
    }

    [Fact]
    public void Markup_comment_markers_in_a_quoted_attribute_value_are_code_and_quotes_in_text_are_text()
    {
        AssertFileCount("wwwroot/index.html", """
            <root>
              <a title="<!--">x</a>
              <b/>
              <!-- c1 -->
              <c data-x='-->' data-y="a
              <!-- still the value
              b">it's</c>
              <p>Don't</p>
              <!-- c2 -->
            </root>
            """, code: 8, comment: 2, blank: 0);
    }

    [Fact]
    public void Jsonc_is_json_with_its_comments()
    {
        Assert.Equal(LineKind.Json, FileKinds.KindOf(".vscode/settings.jsonc"));
        AssertFileCount("settings.jsonc", "{\n  // c\n  \"a\": 1\n}\n", code: 3, comment: 1, blank: 0);
    }

    [Fact]
    public void Sql_escape_strings_take_backslash_escapes()
    {
        AssertCount(LineKind.Sql, "SELECT E'it\\'s';\n-- comment\nSELECT 1;\n/* c */\n", code: 2, comment: 2, blank: 0);
        // Without E a backslash is a character: the string ends at the quote after it, as with standard_conforming_strings.
        AssertCount(LineKind.Sql, "SELECT 'C:\\';\n-- comment\nSELECT e'a\\\\';\n-- comment\nSELECT 'it''s';\n-- comment\n", code: 3, comment: 3, blank: 0);
    }

    [Fact]
    public void Sql_comments_in_the_body_of_an_sql_or_plpgsql_routine_are_comment_lines_and_other_dollar_quotes_are_code()
    {
        const string text = """
            CREATE FUNCTION f() RETURNS int AS $$
            -- a comment in the body
              SELECT 1; /* and a block */
            $$ LANGUAGE sql;
            DO $do$
            BEGIN
              -- plpgsql
              RAISE NOTICE '-- not a comment';
            END
            $do$;
            CREATE FUNCTION py() RETURNS int AS $$
            -- python does not read this as a comment
            return 1
            $$ LANGUAGE plpython3u;
            SELECT $$ -- a string $$;
            CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $b$ BEGIN RETURN 1; END -- the tag ends it: $b$ ;
            -- comment
            DO $$ SELECT 'unclosed $$;
            -- comment

            """;
        AssertCount(LineKind.Sql, text, code: 15, comment: 4, blank: 0);
    }

    [Fact]
    public void Sql_routine_language_is_the_language_clause_not_the_word_language_in_comments_parameters_columns_or_the_body()
    {
        // A column named language, in RETURNS TABLE and in the body.
        AssertCount(LineKind.Sql, """
            CREATE FUNCTION user_languages() RETURNS TABLE(id int, language text) AS $$
              -- only active users
              SELECT id, language FROM users WHERE active;
            $$ LANGUAGE sql;
            """, code: 3, comment: 1, blank: 0);
        // "language" in the comment above the function, and a language clause after the body.
        AssertCount(LineKind.Sql, """
            -- Sets the language for the session.
            CREATE FUNCTION set_lang(l text) RETURNS void AS $$
            BEGIN
              -- remember it
              PERFORM set_config('app.lang', l, false);
            END
            $$ LANGUAGE plpgsql;
            """, code: 5, comment: 2, blank: 0);
        // A parameter named language, the clause before the body; a comment after the statement.
        AssertCount(LineKind.Sql, """
            CREATE OR REPLACE FUNCTION f(language text) RETURNS text
            LANGUAGE 'plpgsql' AS $$
            BEGIN
              -- c1
              RETURN language;
            END $$;
            -- c2
            """, code: 5, comment: 2, blank: 0);
        // The clause names another language: the body is a string, whatever the body or a comment says.
        AssertCount(LineKind.Sql, """
            -- LANGUAGE sql
            CREATE FUNCTION py(language text) RETURNS int AS $$
            # LANGUAGE sql
            -- read by Python, not PostgreSQL
            return 1
            $$ LANGUAGE plpython3u;
            """, code: 5, comment: 1, blank: 0);
    }

    [Fact]
    public void Sql_do_with_a_language_clause_before_or_after_its_code_reads_the_code_as_sql()
    {
        AssertCount(LineKind.Sql, "DO LANGUAGE plpgsql $$\nBEGIN\n  -- c1\n  NULL;\nEND $$;\n", code: 4, comment: 1, blank: 0);
        AssertCount(LineKind.Sql, "DO $$\nBEGIN\n  -- c1\n  NULL;\nEND $$ LANGUAGE plpgsql;\n", code: 4, comment: 1, blank: 0);
        AssertCount(LineKind.Sql, "DO LANGUAGE plperl $$\n  # c1\n  -- perl\n$$;\n", code: 4, comment: 0, blank: 0);
    }

    [Theory]
    [InlineData("SELECT f() AS $$x$$\n", 1, 0)]                                    // a dollar quote after AS, and no ';'
    [InlineData("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE plpython3u\n", 1, 0)]
    [InlineData("DO $$ -- c\n$$ LANGUAGE plpython3u\n", 2, 0)]
    [InlineData("DO $$\n-- c\n$$;\n", 2, 1)]
    [InlineData("x AS $a$ ", 1, 0)]                                                // one line: tags that never close
    [InlineData("/*", 0, 1)]
    [InlineData("$$", 1, 0)]
    [InlineData("E'", 1, 0)]
    public void Sql_counting_takes_linear_time_on_a_few_megabytes_of_a_repeated_statement(string unit, int code, int comment)
    {
        // Quadratic counting took minutes on 3 MB of the first; each takes well under a second now (a hang of the test run
        // is the regression). The counts show the whole text was read. A unit without a line end makes one long line.
        var repeats = 3_000_000 / unit.Length;
        var text = string.Concat(Enumerable.Repeat(unit, repeats));
        var count = LineCounter.Count(LineKind.Sql, text);
        var expected = unit.Contains('\n') ? (code * repeats, comment * repeats) : (code, comment);
        Assert.Equal(expected, (count.Code, count.Comment));
    }

    [Fact]
    public void Sql_dollar_signs_inside_identifiers_do_not_open_a_dollar_quoted_string()
    {
        AssertCount(LineKind.Sql, "SELECT a$b$ FROM t;\n-- comment\nSELECT $1, x$ FROM t$1;\n-- comment\n", code: 2, comment: 2, blank: 0);
        // After whitespace (or an operator) a tag still opens one: PostgreSQL reads a tag right after an identifier as part of it.
        AssertCount(LineKind.Sql, "SELECT $q$ -- in the string\n$q$;\n-- comment\n", code: 2, comment: 1, blank: 0);
    }

    [Fact]
    public void A_lone_carriage_return_ends_a_line_as_in_old_mac_files()
    {
        AssertCount(LineKind.CSharp, "// header\rclass C\r{\r\r}\r", code: 3, comment: 1, blank: 1);
        AssertCount(LineKind.Sql, "-- a\rSELECT 1;\r\n\r", code: 1, comment: 1, blank: 1);
    }

    [Fact]
    public void CSharp_text_of_a_section_the_build_leaves_out_is_code_and_opens_no_comment()
    {
        const string text = """
            class A { }
            #if NEVER_DEFINED
            /* an unclosed comment the compiler never reads
            #elif DEBUG && !(RELEASE || false) // taken
            int b; // a comment
            #else
            /* also not read
            #endif
            #define LOCAL
            #if LOCAL == true
            // read
            #endif
            class C { }
            """;
        var symbols = new[] { "DEBUG", "NET10_0" };

        var count = LineCounter.Count(LineKind.CSharp, text, symbols);

        // Code: class A, the four directives of the first #if, the two lines left out, int b, #define, #if, #endif, class C.
        Assert.Equal((12, 1, 0), (count.Code, count.Comment, count.Blank));
    }

    [Theory]
    [InlineData(100, true)]
    [InlineData(255, true)]
    [InlineData(256, false)]
    [InlineData(20_000, false)]
    public void A_condition_nested_past_256_levels_counts_as_not_compiled_instead_of_overflowing_the_stack(int depth, bool evaluated)
    {
        // 20,000 levels once overflowed the stack (uncatchable: the build's node died). Past the limit the section is
        // treated as a condition the compiler would reject: not compiled, so its lines are code.
        var parentheses = new string('(', depth) + "DEBUG" + new string(')', depth);
        var negations = new string('!', depth) + (depth % 2 == 0 ? "DEBUG" : "UNDEFINED");
        foreach (var condition in new[] { parentheses, negations })
        {
            var text = "#if " + condition + "\n// read when compiled\n#endif\n";

            var count = LineCounter.Count(LineKind.CSharp, text, ["DEBUG"]);

            Assert.Equal(evaluated ? (2, 1) : (3, 0), (count.Code, count.Comment));
        }
    }

    [Fact]
    public void Razor_comment_markers_inside_a_string_are_code()
    {
        const string text = "@code {\n    private string marker = \"<!--\";\n}\n<p>a</p>\n<!-- real -->\n";
        AssertCount(LineKind.Razor, text, code: 4, comment: 1, blank: 0);
    }

    [Fact]
    public void Sql_a_psql_meta_command_line_ends_the_statement_so_the_next_routine_body_is_read_as_sql()
    {
        AssertFileCount("schema/b1.sql", "\\set ON_ERROR_STOP on\nCREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n  -- c\n  RETURN 1;\nEND\n$$ LANGUAGE plpgsql;\n", code: 6, comment: 1, blank: 0);
        AssertFileCount("schema/b5.sql", "\\connect app\nDO $$\nBEGIN\n  -- c\n  NULL;\nEND $$;\n", code: 5, comment: 1, blank: 0);
        AssertFileCount("schema/b2.sql", """
            SET search_path = app;
            \echo creating f
            CREATE OR REPLACE FUNCTION f() RETURNS int AS $$
            BEGIN
              -- c
              RETURN 1;
            END
            $$ LANGUAGE plpgsql;
            DO $$ BEGIN
              -- d
            END $$;
            """, code: 9, comment: 2, blank: 0);
    }

    [Fact]
    public void Markup_a_quote_opens_an_attribute_value_only_after_an_equals_sign_and_script_and_cdata_are_raw_text()
    {
        // "<n" in a script and "<b" in CDATA looked like tags, whose unpaired quote opened a value over the comments after it.
        AssertFileCount("wwwroot/m4.html", """
            <script>
              for (var i = 0; i<n; i++) { /* it's fine */ }
            </script>
            <!-- c1 -->
            <p>x</p>
            <!-- c2 -->
            """, code: 4, comment: 2, blank: 0);
        AssertFileCount("data/m5.xml", """
            <root>
              <![CDATA[ a <b c='d ]]>
              <!-- c1 -->
              <x/>
            </root>
            """, code: 4, comment: 1, blank: 0);
        AssertFileCount("wwwroot/m7.html", "<a title=don't>x</a>\n<!-- c1 -->\n<p>'</p>\n<!-- c2 -->\n", code: 2, comment: 2, blank: 0);
        AssertFileCount("wwwroot/m8.html", "<style>\n  a::after { content: \"<b c='\"; }\n</style>\n<!-- c1 -->\n<a title = \"x\n<!-- in the value -->\">y</a>\n", code: 5, comment: 1, blank: 0);
    }

    [Fact]
    public void Sql_block_comments_nest_as_in_postgresql()
    {
        const string text = "/* outer /* inner */ still the outer */\nSELECT 1;\n/* a\n/* b */\nc */\nSELECT 2; /* x */\n";
        AssertCount(LineKind.Sql, text, code: 2, comment: 4, blank: 0);
    }
}
