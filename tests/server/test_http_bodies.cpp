// What a first-time client sends: bodies without the JSON Content-Type (curl's default is
// application/x-www-form-urlencoded), raw image bytes without the binary extension's header, and
// data that disagrees with its declared datatype. Each gets the answer its body deserves.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <string>

#include "http_test_support.hpp"

namespace cellflow::server::testing {
namespace {

// BYTES in, its length out.
class Length final : public Cell {
 public:
  Input<std::string> in{*this, "in"};
  Output<std::int64_t> size{*this, "size"};
  void process(Context& ctx) override {
    ctx.emit(size, static_cast<std::int64_t>(ctx.get(in).size()));
  }
};

std::string text_request(std::size_t length) {
  return json{{"inputs",
               {{{"name", "text"},
                 {"datatype", "BYTES"},
                 {"shape", {1}},
                 {"data", {std::string(length, 'a')}}}}}}
      .dump();
}

class HttpBodies : public ::testing::Test {
 protected:
  static constexpr std::size_t kLimit = 12u << 20;
  void SetUp() override {
    ServerOptions options = test_options();
    options.max_body_bytes = kLimit;
    server_ = std::make_unique<HttpServer>(options);
    auto length = std::make_unique<Pipeline>("length");
    auto& cell = length->add<Length>("length");
    length->expose(cell.in, "text");
    length->expose(cell.size, "size");
    server_->add(std::move(length));
    server_->add(load(fail_config("failing", json::array({13}), "thirteen")));
    http_ = client(server_->start());
    ASSERT_TRUE(eventually([&] { return server_->ready(); }));
  }
  httplib::Result post(const std::string& model, const std::string& body,
                       const std::string& content_type) {
    return http_->Post(("/v2/models/" + model + "/infer").c_str(), body, content_type.c_str());
  }

  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(HttpBodies, TheContentTypeDoesNotDecideHowTheBodyIsRead) {
  for (const std::size_t size : {8u << 10, 100u << 10, 10u << 20}) {
    const std::string body = text_request(size);
    for (const char* type : {"application/x-www-form-urlencoded", "", "text/plain"}) {
      const auto result = post("length", body, type);
      ASSERT_TRUE(result) << size << " " << type;
      EXPECT_EQ(result->status, 200) << size << " '" << type << "': " << result->body;
      EXPECT_EQ(body_json(result)["outputs"][0]["data"], json::array({size})) << type;
    }
  }
}

TEST_F(HttpBodies, A413OnlyMeansTheConfiguredLimit) {
  const std::string body = text_request(kLimit + 1);
  for (const char* type : {"application/x-www-form-urlencoded", "application/json"}) {
    const auto result = post("length", body, type);
    ASSERT_TRUE(result) << type;
    EXPECT_EQ(result->status, 413) << type;
    EXPECT_EQ(error_of(result),
              "request body exceeds the limit of " + std::to_string(kLimit) + " bytes");
  }
  EXPECT_EQ(post("length", text_request(4), "")->status, 200) << "the server goes on";
}

TEST_F(HttpBodies, RawBytesWithoutTheBinaryHeaderSayWhatWasExpected) {
  std::ifstream file("/usr/share/doc/opencv-doc/examples/data/messi5.jpg", std::ios::binary);
  const std::string jpeg{std::istreambuf_iterator<char>(file), {}};
  ASSERT_GT(jpeg.size(), 1000u);
  const auto result = post("length", jpeg, "application/octet-stream");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  const std::string error = error_of(result);
  EXPECT_NE(error.find("not a KServe v2 JSON request (it starts with byte 0xFF)"),
            std::string::npos)
      << error;
  EXPECT_NE(error.find("Inference-Header-Content-Length"), std::string::npos) << error;
  EXPECT_NE(error.find("binary tensor extension"), std::string::npos) << error;
}

TEST_F(HttpBodies, MultipartFormsAreRefusedWithTheExpectedForm) {
  const auto result = http_->Post("/v2/models/length/infer",
                                  httplib::MultipartFormDataItems{{"text", "abc", "", ""}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 415);
  EXPECT_NE(error_of(result).find("Inference-Header-Content-Length"), std::string::npos);
}

// Sends `request` as it is (what curl sends, which httplib's client would not) and returns the
// response: its status line, headers and the Content-Length bytes of body after them.
std::string raw_exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
      ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    char buffer[4096];
    for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
      response.append(buffer, static_cast<std::size_t>(n));
      const auto end = response.find("\r\n\r\n");
      const auto length = response.find("Content-Length: ");
      if (end != std::string::npos && length != std::string::npos &&
          response.size() >= end + 4 + std::stoul(response.substr(length + 16)))
        break;
    }
  }
  ::close(fd);
  return response;
}

// A POST without Content-Length or Transfer-Encoding (`curl -X POST URL`) has no body: a route
// that needs none answers it, one that needs a body says so.
TEST_F(HttpBodies, APostWithoutContentLengthHasNoBody) {
  const auto curl_post = [&](const std::string& path) {
    return raw_exchange(server_->port(), "POST " + path +
                                             " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                             "User-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n");
  };
  const std::string stop = curl_post("/v2/trace/stop");
  EXPECT_EQ(stop.rfind("HTTP/1.1 409", 0), 0u) << stop;
  EXPECT_NE(stop.find(R"x({"error":"no trace is being written (POST /v2/trace/start)"})x"),
            std::string::npos)
      << stop;
  const std::string infer = curl_post("/v2/models/failing/infer");
  EXPECT_EQ(infer.rfind("HTTP/1.1 400", 0), 0u) << infer;
  EXPECT_NE(infer.find("the body is empty"), std::string::npos) << infer;
}

TEST_F(HttpBodies, JsonValuedInputsCheckTheDatatypeAndShape) {
  const auto request = [](const json& datatype, const json& shape, const json& data) {
    return json{
        {"inputs", {{{"name", "x"}, {"datatype", datatype}, {"shape", shape}, {"data", data}}}}}
        .dump();
  };
  const auto wrong = post("failing", request("INT64", {1}, {"a"}), "application/json");
  EXPECT_EQ(wrong->status, 400);
  EXPECT_EQ(error_of(wrong), "input 'x': element 0 is \"a\", not an integer");
  const auto short_data = post("failing", request("FP32", {2, 2}, {1, 2, 3}), "application/json");
  EXPECT_EQ(short_data->status, 400);
  EXPECT_EQ(error_of(short_data), "input 'x': shape [2,2] needs 4 element(s), data has 3");
  // Shape [1] is the single element, so Fail(on: [13]) fires for 13.
  const auto thirteen = post("failing", request("INT64", {1}, {13}), "application/json");
  EXPECT_EQ(thirteen->status, 500);
  EXPECT_NE(error_of(thirteen).find("thirteen"), std::string::npos) << error_of(thirteen);
  const auto twelve = post("failing", request("INT64", {1}, {12}), "application/json");
  EXPECT_EQ(twelve->status, 200);
  const json output = body_json(twelve)["outputs"][0];
  EXPECT_EQ(output["datatype"], "INT64");
  EXPECT_EQ(output["shape"], json::array({1}));
  EXPECT_EQ(output["data"], json::array({12}));
}

}  // namespace
}  // namespace cellflow::server::testing
