// A Leaflet map that shows a point and, on the appeal form, lets the author pick it: a click sets the marker and
// fills the latitude and longitude fields; typing in the fields moves the marker.
(function () {
  "use strict";

  function setUp(element) {
    var center = element.dataset.mapCenter.split(",").map(Number);
    var map = L.map(element).setView([center[0], center[1]], center[2] || 11);
    L.tileLayer(element.dataset.mapTiles, { attribution: element.dataset.mapAttribution, maxZoom: 19 }).addTo(map);
    var marker = null;

    function place(lat, lng) {
      if (marker) {
        marker.setLatLng([lat, lng]);
      } else {
        marker = L.marker([lat, lng], { keyboard: false }).addTo(map);
      }
    }

    if (element.dataset.mapPoint) {
      var point = element.dataset.mapPoint.split(",").map(Number);
      place(point[0], point[1]);
      map.setView(point, 16);
    }
    if (element.dataset.mapPick !== "true") {
      return;
    }
    var latitude = document.getElementById(element.dataset.latitudeInput);
    var longitude = document.getElementById(element.dataset.longitudeInput);
    map.on("click", function (event) {
      var lat = event.latlng.lat.toFixed(6);
      var lng = event.latlng.wrap().lng.toFixed(6);
      latitude.value = lat;
      longitude.value = lng;
      place(Number(lat), Number(lng));
    });
    function fromFields() {
      var lat = parseFloat(latitude.value.replace(",", "."));
      var lng = parseFloat(longitude.value.replace(",", "."));
      if (!isNaN(lat) && !isNaN(lng) && Math.abs(lat) <= 90 && Math.abs(lng) <= 180) {
        place(lat, lng);
        map.panTo([lat, lng]);
      }
    }
    latitude.addEventListener("change", fromFields);
    longitude.addEventListener("change", fromFields);
    fromFields();
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") {
      return; // the fields still work
    }
    L.Icon.Default.imagePath = document.querySelector("link[href$='leaflet.css']").href.replace("leaflet.css", "images/");
    document.querySelectorAll(".map[data-map-tiles]").forEach(setUp);
  });
})();
