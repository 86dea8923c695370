#include "numeneon/realtime/router.hpp"

#include <gtest/gtest.h>

namespace numeneon::realtime {
namespace {

TEST(Router, NumeneonTypesArePreRegisteredWithTheirKeys) {
  Router r;
  std::string err;
  for (TypeSpec& spec : numeneon_types()) ASSERT_GE(r.add(std::move(spec), err), 0) << err;
  for (const char* t : {"connection_established", "friend_request", "friend_accepted", "new_message", "new_post",
                        "wall_post", "post_comment", "comment_reply", "echo", "error"})
    EXPECT_GE(r.find(t), 0) << t;
  const Route& fr = r.route(r.find("friend_request"));
  EXPECT_EQ(fr.spec.dedupe_key, "data.request_id");
  ASSERT_NE(fr.dedupe_path, kNoPath);
  EXPECT_EQ(fr.paths.component[fr.dedupe_path][1], "request_id");
  EXPECT_EQ(r.route(r.find("wall_post")).spec.dedupe_key, "data.post.id");
  EXPECT_EQ(r.route(r.find("post_comment")).spec.dedupe_key, "data.comment.id");
  EXPECT_EQ(r.route(r.find("comment_reply")).spec.dedupe_key, "data.reply.id");
  EXPECT_EQ(r.route(r.find("new_message")).spec.dedupe_key, "data.id");
  EXPECT_EQ(r.find("nope"), -1);
}

// Rule of router.hpp: a key identifies the event. A friend can accept again after an unfriend and a new
// request, with an identical frame: data.friend.id names the friend, so friend_accepted has no key.
TEST(Router, NoBuiltInKeyNamesASubjectInsteadOfAnEvent) {
  Router r;
  std::string err;
  for (TypeSpec& spec : numeneon_types()) ASSERT_GE(r.add(std::move(spec), err), 0) << err;
  EXPECT_EQ(r.route(r.find("friend_accepted")).spec.dedupe_key, "");
  EXPECT_FALSE(r.route(r.find("friend_accepted")).spec.dedupe_content);
  for (const char* keyless : {"connection_established", "echo", "error"})
    EXPECT_EQ(r.route(r.find(keyless)).spec.dedupe_key, "") << keyless;
}

TEST(Router, EchoAcceptsAnyPayloadKindAndCommentReplyAPostWithoutId) {
  Router r;
  std::string err;
  for (TypeSpec& spec : numeneon_types()) ASSERT_GE(r.add(std::move(spec), err), 0) << err;
  EXPECT_TRUE(r.route(r.find("echo")).spec.required.empty());  // data may be null, an array, a string
  for (const FieldSpec& f : r.route(r.find("comment_reply")).spec.required) EXPECT_NE(f.path, "data.post.id");
}

TEST(Router, InternalPathsSurviveTheAppReDeclaringTheType) {
  Router r;
  std::string err;
  r.set_internal_path("echo", "data.type");
  int32_t id = r.add({"echo", {}, "", false}, err);
  ASSERT_NE(r.route(id).internal_path[0], kNoPath);
  ASSERT_EQ(r.add({"echo", {{"data.x", FieldKind::string}}, "data.id", false}, err), id);
  const Route& again = r.route(id);
  ASSERT_NE(again.internal_path[0], kNoPath);
  EXPECT_EQ(again.paths.depth[again.internal_path[0]], 2);
  EXPECT_EQ(again.paths.component[again.internal_path[0]][1], "type");
  EXPECT_EQ(again.spec.required.size(), 1u);
}

TEST(Router, ImplicitRoutesNeverReplaceADeclarationAndCanBeRemoved) {
  Router r;
  std::string err;
  int32_t declared = r.add({"typing", {{"data.user", FieldKind::string}}, "", false}, err);
  EXPECT_EQ(r.add({"typing", {}, "", false}, err, true), declared);
  EXPECT_EQ(r.route(declared).spec.required.size(), 1u);
  int32_t implicit = r.add({"presence", {}, "", false}, err, true);
  EXPECT_TRUE(r.route(implicit).implicit);
  r.remove(implicit);
  EXPECT_FALSE(r.valid(implicit));
  EXPECT_EQ(r.find("presence"), -1);
  EXPECT_EQ(r.find("typing"), declared);
  EXPECT_EQ(r.add({"other", {}, "", false}, err), implicit) << "a freed id is reused";
}

TEST(Router, AppTypesGetIdsAndReRegisteringKeepsIdAndSubscribers) {
  Router r;
  std::string err;
  int32_t id = r.add({"typing", {{"data.user_id", FieldKind::number}}, "", false}, err);
  ASSERT_GE(id, 0);
  r.add_subscriber(id);
  EXPECT_EQ(r.add({"typing", {}, "data.id", false}, err), id);
  EXPECT_EQ(r.route(id).subscribers, 1u);
  EXPECT_EQ(r.route(id).spec.dedupe_key, "data.id");
  EXPECT_EQ(r.remove_subscriber(id), 0u);
  EXPECT_EQ(r.remove_subscriber(id), 0u);
  EXPECT_EQ(r.route(id).subscribers, 0u);
}

TEST(Router, ManyTypesStayFindable) {
  Router r;
  std::string err;
  for (int i = 0; i < 500; ++i) ASSERT_EQ(r.add({"type_" + std::to_string(i), {}, "", false}, err), i);
  for (int i = 0; i < 500; ++i) EXPECT_EQ(r.find("type_" + std::to_string(i)), i);
}

TEST(Router, RejectsBadSpecsWithAClearError) {
  Router r;
  std::string err;
  EXPECT_EQ(r.add({"", {}, "", false}, err), -1);
  EXPECT_NE(err.find("type name"), std::string::npos);
  EXPECT_EQ(r.add({"*", {}, "", false}, err), -1);
  EXPECT_EQ(r.add({"t", {{"data..id", FieldKind::any}}, "", false}, err), -1);
  EXPECT_NE(err.find("data..id"), std::string::npos);
  EXPECT_EQ(r.add({"t", {}, "a.b.c.d.e", false}, err), -1);
  EXPECT_EQ(r.add({"t", {}, "data." + std::string(65, 'x'), false}, err), -1);
  EXPECT_EQ(r.add({std::string(129, 't'), {}, "", false}, err), -1);
  std::vector<FieldSpec> many(9, FieldSpec{"data.x", FieldKind::any});
  EXPECT_EQ(r.add({"t", many, "", false}, err), -1);
  EXPECT_NE(err.find("too many paths (at most 8"), std::string::npos);
}

TEST(Router, TypeSpecFromFields) {
  TypeSpec spec;
  using namespace std::string_literals;
  ASSERT_EQ(type_spec_from_fields("typing\0data.id\0" "1\0data.user_id\0" "2\0data.at\0" "0"s, spec), "");
  EXPECT_EQ(spec.name, "typing");
  ASSERT_EQ(spec.required.size(), 2u);
  EXPECT_EQ(spec.required[0].path, "data.user_id");
  EXPECT_EQ(spec.required[0].kind, FieldKind::number);
  EXPECT_EQ(spec.required[1].kind, FieldKind::any);
  EXPECT_EQ(spec.dedupe_key, "data.id");
  EXPECT_TRUE(spec.dedupe_content);
  ASSERT_EQ(type_spec_from_fields("x\0\0" "0"s, spec), "");
  EXPECT_TRUE(spec.required.empty());
  EXPECT_EQ(spec.dedupe_key, "");
  for (std::string bad : {"x"s, "x\0\0" "2"s, "x\0\0" "0\0data.id"s, "x\0\0" "0\0data.id\0" "9"s})
    EXPECT_NE(type_spec_from_fields(bad, spec), "") << bad;
}

}  // namespace
}  // namespace numeneon::realtime
