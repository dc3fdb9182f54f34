import { describe, expect, it } from "vitest";
import { withQuery } from "./request.js";

describe("withQuery: route URLs stay as given, with the query added", () => {
  it.each([
    ["/api/subscription/status", {}, "/api/subscription/status"],
    ["/api/subscription/status", { email: null, session_id: "" }, "/api/subscription/status"],
    ["/api/subscription/status", { email: "ada@example.com" }, "/api/subscription/status?email=ada%40example.com"],
    ["/api/s?v=1", { session_id: "cs_test_1" }, "/api/s?v=1&session_id=cs_test_1"],
    ["/api/s?", { email: "a@b.co" }, "/api/s?email=a%40b.co"],
    ["/api/s?v=1&", { email: "a@b.co" }, "/api/s?v=1&email=a%40b.co"],
    ["/api/s#top", { email: "a@b.co" }, "/api/s?email=a%40b.co"],
    ["https://api.example/status", { email: "a+b@c.co" }, "https://api.example/status?email=a%2Bb%40c.co"],
  ])("%s + %j → %s", (url, query, expected) => {
    expect(withQuery(url, query)).toBe(expected);
  });
});
