export default {
  async fetch(request) {
    console.log("served " + new URL(request.url).pathname);
    return new Response("logged\n");
  },
};
