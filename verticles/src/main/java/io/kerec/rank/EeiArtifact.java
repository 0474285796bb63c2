package io.kerec.rank;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kerec.bus.Features;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * The artefact directory of an {@link EeiModel}: the DJL parameter file {@value EeiModel#MODEL_NAME}-0000.params and
 * the metadata file {@value EeiModel#METADATA_FILE} (a {@link ModelMetadata}), written last through a temporary file,
 * so that a directory with a metadata file is complete. Reading checks the metadata against this code (format
 * version, feature size, architecture, standardisation) before it loads the parameters, and fails with a
 * {@link ModelArtifactException} for anything missing, corrupt or incompatible.
 */
final class EeiArtifact {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private EeiArtifact() {
  }

  /**
   * A loaded artefact: the DJL model (parameters frozen), its metadata, the id vocabulary (null for a feature-only
   * model) and when it was trained.
   */
  record Loaded(Model model, ModelMetadata metadata, IdVocabulary vocabulary, Instant createdAt) {
  }

  /**
   * Writes a model's parameters and metadata into {@code dir} (created if needed; files of an earlier save are
   * overwritten).
   *
   * @throws IOException when writing fails
   */
  static void write(Path dir, Model model, ModelMetadata meta) throws IOException {
    Files.createDirectories(dir);
    Files.deleteIfExists(dir.resolve(EeiModel.METADATA_FILE));
    model.save(dir, EeiModel.MODEL_NAME);
    Path tmp = Files.createTempFile(dir, EeiModel.METADATA_FILE, ".tmp");
    try {
      JSON.writeValue(tmp.toFile(), meta);
      Files.move(tmp, dir.resolve(EeiModel.METADATA_FILE), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads the artefact in {@code dir} onto {@code device}.
   *
   * @throws IOException when a file cannot be read
   * @throws ModelArtifactException when the directory is incomplete, corrupt or incompatible
   */
  static Loaded read(Path dir, Device device) throws IOException {
    Path metaFile = dir.resolve(EeiModel.METADATA_FILE);
    if (!Files.isRegularFile(metaFile)) {
      throw new ModelArtifactException("no " + EeiModel.METADATA_FILE + " in " + dir
          + " (not a saved EeiModel, or an interrupted save)");
    }
    ModelMetadata meta;
    try {
      meta = JSON.readValue(metaFile.toFile(), ModelMetadata.class);
    } catch (JacksonException e) {
      throw new ModelArtifactException("unreadable " + metaFile + ": " + e.getOriginalMessage(), e);
    }
    checkMetadata(meta, metaFile);
    RankDevice.engine();
    Model model = Model.newInstance(EeiModel.MODEL_NAME, device, RankDevice.ENGINE);
    IdVocabulary vocabulary = meta.embeddingSize() > 0 ? new IdVocabulary(meta.entities(), meta.items()) : null;
    try {
      model.setBlock(vocabulary == null ? EeiBlock.mlp() : new EeiBlock(vocabulary.entityTableSize(),
          vocabulary.itemTableSize(), meta.embeddingSize()));
      model.load(dir, EeiModel.MODEL_NAME);
      model.getBlock().freezeParameters(true);
    } catch (MalformedModelException | RuntimeException e) {
      model.close();
      throw new ModelArtifactException("cannot load parameters from " + dir + ": " + e, e);
    } catch (IOException e) {
      model.close();
      throw e;
    }
    return new Loaded(model, meta, vocabulary, parseInstant(meta.createdAt()));
  }

  private static void checkMetadata(ModelMetadata meta, Path file) {
    if (meta.format() != EeiModel.FORMAT_VERSION) {
      throw new ModelArtifactException(file + ": artefact format " + meta.format()
          + ", this code reads format " + EeiModel.FORMAT_VERSION);
    }
    if (meta.featureSize() != Features.SIZE) {
      throw new ModelArtifactException(file + ": model expects " + meta.featureSize()
          + " features, Features.SIZE is " + Features.SIZE);
    }
    if (!EeiModel.architecture(meta.embeddingSize()).equals(meta.architecture())) {
      throw new ModelArtifactException(file + ": architecture " + meta.architecture()
          + ", this code builds " + EeiModel.architecture(meta.embeddingSize()));
    }
    if (meta.embeddingSize() > 0 && (meta.entities() == null || meta.items() == null)) {
      throw new ModelArtifactException(file + ": id embeddings without their vocabulary");
    }
    if (meta.version() == null || meta.means() == null || meta.stds() == null
        || meta.means().length != Features.SIZE || meta.stds().length != Features.SIZE) {
      throw new ModelArtifactException(file + ": version or standardisation missing");
    }
    for (int f = 0; f < Features.SIZE; f++) {
      if (!Float.isFinite(meta.means()[f]) || !(meta.stds()[f] > 0f)
          || !Float.isFinite(meta.stds()[f])) {
        throw new ModelArtifactException(file + ": bad standardisation for feature " + f);
      }
    }
  }

  private static Instant parseInstant(String value) {
    try {
      return value == null ? null : Instant.parse(value);
    } catch (java.time.format.DateTimeParseException e) {
      throw new ModelArtifactException("bad createdAt '" + value + "'", e);
    }
  }
}
