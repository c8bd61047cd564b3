export default {
  fetch() {
    return 1 x;
  },
};
