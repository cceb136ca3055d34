/* Tells a nominator, as they fill in the form, whether their group can nominate and why not. */
(function () {
  "use strict";
  var box = document.getElementById("eligibility");
  var group = document.getElementById("nominating-group");
  if (!box || !group) return;
  var controller = null;
  function check() {
    var params = new URLSearchParams();
    ["body_type", "members_on_roll", "local_connection"].forEach(function (name) {
      var input = group.querySelector("[name=" + name + "]");
      if (input) params.set(name, input.value);
    });
    var surplus = group.querySelector("[name=distributes_surplus]");
    if (surplus && surplus.checked) params.set("distributes_surplus", "on");
    if (!params.get("body_type")) { box.textContent = ""; return; }
    // Only the answer to the latest question counts: an older reply may arrive later.
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(box.dataset.url + "?" + params.toString(), {
      signal: controller.signal, headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        box.textContent = "";
        var heading = document.createElement("p");
        heading.className = data.eligible ? "eligible" : "not-eligible";
        heading.textContent = data.eligible
          ? "Your group can nominate."
          : "As things stand your group cannot nominate:";
        box.appendChild(heading);
        if (data.problems.length) {
          var list = document.createElement("ul");
          data.problems.forEach(function (problem) {
            var item = document.createElement("li");
            item.textContent = problem;
            list.appendChild(item);
          });
          box.appendChild(list);
        }
      })
      .catch(function (error) { if (error.name !== "AbortError") box.textContent = ""; });
  }
  group.addEventListener("change", check);
  check();
})();
